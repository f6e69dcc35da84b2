package net.secureconnect.relay.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A test client of the relay's WebSocket (Vert.x), collecting every server frame. */
public final class RelayClient implements AutoCloseable {

    private static final Vertx VERTX = Vertx.vertx();
    private static final WebSocketClient CLIENT = VERTX.createWebSocketClient(new WebSocketClientOptions()
            .setMaxMessageSize(4 * 1024 * 1024).setMaxFrameSize(4 * 1024 * 1024).setConnectTimeout(10_000)
            .setMaxConnections(1000)); // Vert.x allows 50 WebSockets per server by default; tests open 100+

    /** A client with a small, fixed socket receive buffer (no autotuning): stops reading soon after a pause. */
    private static final WebSocketClient SMALL_BUFFER_CLIENT = VERTX.createWebSocketClient(new WebSocketClientOptions()
            .setMaxMessageSize(4 * 1024 * 1024).setMaxFrameSize(4 * 1024 * 1024).setConnectTimeout(10_000)
            .setReceiveBufferSize(32 * 1024));

    private final WebSocket socket;
    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final List<JsonObject> seen = new ArrayList<>();
    /** Frames received but not yet matched by {@link #next}: answers may come in any order. */
    private final List<JsonObject> backlog = new ArrayList<>();
    private final CompletableFuture<Short> closed = new CompletableFuture<>();
    private volatile String closeReason;

    /** Wraps a socket paused on connect (so no frame arrives before the handlers are set); reads it if asked. */
    private RelayClient(WebSocket socket, boolean read) {
        this(socket);
        if (read) {
            socket.resume();
        }
    }

    private RelayClient(WebSocket socket) {
        this.socket = socket;
        try {
            socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
            socket.closeHandler(v -> {
                closeReason = socket.closeReason();
                closed.complete(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode());
            });
        } catch (IllegalStateException alreadyClosed) { // the server closed it right after the handshake
            closeReason = socket.closeReason();
            closed.complete(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode());
        }
    }

    /** Connects with the token in the Authorization header. */
    public static RelayClient connect(URI base, String token, int device) {
        WebSocketConnectOptions options = options(base, device).addHeader("Authorization", "Bearer " + token);
        return new RelayClient(await(CLIENT.connect(options).onSuccess(WebSocket::pause)), true);
    }

    /**
     * Connects and stops reading at once: a device that does not read its socket. Frames the relay writes fill
     * the socket buffers, then wait in the relay. {@link #resume()} reads again.
     */
    public static RelayClient connectNotReading(URI base, String token, int device) {
        WebSocketConnectOptions options = options(base, device).addHeader("Authorization", "Bearer " + token);
        CompletableFuture<WebSocket> paused = new CompletableFuture<>();
        SMALL_BUFFER_CLIENT.connect(options).onComplete(result -> {
            if (result.succeeded()) {
                result.result().pause(); // on the event loop, before any frame is handled
                paused.complete(result.result());
            } else {
                paused.completeExceptionally(result.cause());
            }
        });
        try {
            return new RelayClient(paused.get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect", e);
        }
    }

    public void resume() {
        socket.resume();
    }

    /**
     * Connects once the relay knows the device (device events are consumed asynchronously): a connection closed
     * at once with 4003 is retried.
     */
    public static RelayClient connectWhenKnown(URI base, String token, int device) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            RelayClient client = connect(base, token, device);
            try {
                short code = client.closed.get(500, TimeUnit.MILLISECONDS);
                if (code != 4003 || System.nanoTime() > deadline) {
                    throw new AssertionError("connection closed with " + code + " " + client.closeReason);
                }
                Thread.sleep(200);
            } catch (java.util.concurrent.TimeoutException stillOpen) {
                return client;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Connects the way a browser does: the token rides in a subprotocol that Quarkus turns into a header. */
    public static RelayClient connectWithSubprotocol(URI base, String token, int device) {
        WebSocketConnectOptions options = options(base, device).addSubProtocol("secureconnect.v1")
                .addSubProtocol("quarkus-http-upgrade#Authorization#Bearer " + token);
        return new RelayClient(await(CLIENT.connect(options).onSuccess(WebSocket::pause)), true);
    }

    /** The HTTP status the handshake was refused with (0 if it was not refused). */
    public static int handshakeStatus(URI base, String authorization, int device) {
        WebSocketConnectOptions options = options(base, device);
        if (authorization != null) {
            options.addHeader("Authorization", authorization);
        }
        try {
            WebSocket socket = await(CLIENT.connect(options));
            socket.close();
            return 0;
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            throw e;
        }
    }

    private static WebSocketConnectOptions options(URI base, int device) {
        return new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort())
                .setURI("/v1/relay?device=" + device);
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
        }
    }

    public void sendText(String frame) {
        await(socket.writeTextMessage(frame));
    }

    /** Queues a frame without waiting for it to be written (a client that floods). */
    public void sendTextNoWait(String frame) {
        socket.writeTextMessage(frame);
    }

    public void sendBinary(byte[] frame) {
        await(socket.writeBinaryMessage(Buffer.buffer(frame)));
    }

    /** Sends one envelope to {@code to} with one ciphertext per listed device. */
    public void send(String id, String to, int[] devices, byte[] body) {
        JsonArray messages = new JsonArray();
        for (int device : devices) {
            messages.add(new JsonObject().put("deviceId", device).put("type", 1)
                    .put("body", Base64.getEncoder().encodeToString(body)));
        }
        sendText(new JsonObject().put("type", "send").put("id", id).put("to", to).put("messages", messages).encode());
    }

    public void ack(String ackId) {
        sendText(new JsonObject().put("type", "ack").put("ackId", ackId).encode());
    }

    /** The next frame matching {@code filter} (others are kept in {@link #seen()}). */
    public JsonObject next(Predicate<JsonObject> filter, Duration timeout) {
        for (JsonObject frame : backlog) {
            if (filter.test(frame)) {
                backlog.remove(frame);
                return frame;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                JsonObject frame = frames.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
                if (frame == null) {
                    throw new AssertionError("no matching frame within " + timeout + "; seen: " + seen);
                }
                seen.add(frame);
                if (filter.test(frame)) {
                    return frame;
                }
                backlog.add(frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonObject next(String type) {
        return next(f -> type.equals(f.getString("type")), Duration.ofSeconds(30));
    }

    /** The answer (accepted/refused/error) to the frame with this id. */
    public JsonObject answer(String id) {
        return next(f -> id.equals(f.getString("id")) && List.of("accepted", "refused", "error").contains(f.getString("type")),
                Duration.ofSeconds(40));
    }

    /** The next frame not matched yet, or null if none arrives within {@code timeout}. */
    public JsonObject poll(Duration timeout) {
        if (!backlog.isEmpty()) {
            return backlog.remove(0);
        }
        try {
            JsonObject frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame != null) {
                seen.add(frame);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public List<JsonObject> seen() {
        return seen;
    }

    /** Waits for the server to close the connection; returns the close code. */
    public int awaitClose() {
        try {
            return closed.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed", e);
        }
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!socket.isClosed()) {
            try {
                await(socket.close());
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }
}
