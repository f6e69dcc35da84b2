package net.secureconnect.sdk.relay;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One device's WebSocket to relay-service (docs/protocol.md): bearer token on the upgrade, {@code send}
 * answered by {@code accepted}/{@code refused}, {@code deliver} handed to a {@link Handler} one at a time
 * in arrival order, {@code ack}. Reconnects with exponential backoff (0.5 s doubling to 30 s) after any loss
 * of the connection, except when the relay closed it for good (4001 replaced; 4003 unknown device, retried
 * for the first minute because the relay learns new devices through Kafka; a refused token); the relay then re-delivers every unacked envelope, which is the
 * offline catch-up. Thread-safe.
 */
public final class RelayClient implements AutoCloseable, net.secureconnect.sdk.messaging.EnvelopeTransport {

    private static final Logger LOG = Logger.getLogger(RelayClient.class.getName());
    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    /** A device registered moments ago may not be known to the relay yet (it learns devices from Kafka). */
    private static final long UNKNOWN_DEVICE_GRACE_MILLIS = 60_000;
    /** The relay waits up to 30 s for the wallet; give it that and some. */
    /**
     * How long a send waits for its answer: the relay answers every send within 15 s (docs/protocol.md, "Limits
     * and the answer bound"), plus a margin for the network. No answer by then is reported as UNAVAILABLE.
     */
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(20);

    /** What the application does with what the relay pushes. Called on one thread, in order. */
    public interface Handler {
        /** Store it, then call {@link RelayClient#ack(String)} with its ackId. */
        void delivered(RelayFrames.Delivery delivery);

        default void receipt(RelayFrames.Receipt receipt) {
        }

        default void connected() {
        }

        /** The connection was lost; a reconnect is scheduled. */
        default void disconnected(int closeCode, String reason) {
        }

        /** No more reconnects (see {@link RelayException.ConnectionClosedException}, {@link RelayException.AuthenticationException}). */
        default void stopped(RelayException cause) {
        }
    }

    private final HttpClient http;
    private final URI endpoint;
    private final Supplier<String> accessToken;
    private final Handler handler;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("relay-reconnect"));
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(daemon("relay-deliveries"));
    private final Map<String, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();
    private final Object sendLock = new Object();

    private volatile WebSocket socket;
    private volatile CompletableFuture<Void> connectedFuture = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile RelayException stoppedBy;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private long startedAtMillis;

    /** @param relayBase e.g. {@code ws://127.0.0.1:8082/} ({@code http(s)} is turned into {@code ws(s)}) */
    public RelayClient(HttpClient http, URI relayBase, Supplier<String> accessToken, int deviceId, Handler handler) {
        this.http = http;
        String base = relayBase.toString().replaceFirst("^http", "ws");
        this.endpoint = URI.create((base.endsWith("/") ? base : base + "/") + "v1/relay?device=" + deviceId);
        this.accessToken = accessToken;
        this.handler = handler;
    }

    /** Opens the connection (and keeps it open, reconnecting) until {@link #close()}. */
    public void start() {
        startedAtMillis = System.currentTimeMillis();
        scheduler.execute(this::connect);
    }

    /** Waits until connected; throws the reason if the client stopped, {@link RelayException.UnavailableException} on timeout. */
    public void awaitConnected(Duration timeout) {
        try {
            connectedFuture.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw stoppedBy != null ? stoppedBy : new RelayException.UnavailableException("CONNECTION",
                    "not connected to the relay after " + timeout.toSeconds() + " s", false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayException.UnavailableException("CONNECTION", "interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RelayException r ? r : new RelayException.UnavailableException("CONNECTION",
                    String.valueOf(e.getCause()), e.getCause());
        }
    }

    public boolean isConnected() {
        return socket != null && connectedFuture.isDone() && !connectedFuture.isCompletedExceptionally();
    }

    /**
     * Sends one envelope and waits for the relay's answer: {@code true} if it was a duplicate of an accepted
     * one, {@code false} if newly accepted; otherwise the typed {@link RelayException} of the refusal.
     */
    public boolean send(String id, String to, List<RelayFrames.OutgoingMessage> messages) {
        return send(id, to, messages, null);
    }

    @Override
    public boolean send(String id, String to, List<RelayFrames.OutgoingMessage> messages,
                        List<RelayFrames.OutgoingMessage> self) {
        awaitConnected(SEND_TIMEOUT);
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        CompletableFuture<Boolean> previous = pending.put(id, answer);
        if (previous != null) {
            previous.completeExceptionally(new RelayException.UnavailableException("SUPERSEDED", "resent", false));
        }
        try {
            transmit(RelayFrames.send(id, to, messages, self));
            return answer.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RelayException.UnavailableException("TIMEOUT", "not delivered: relay unavailable (no answer within "
                    + SEND_TIMEOUT.toSeconds() + " s), retry", false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayException.UnavailableException("CONNECTION", "interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RelayException r) {
                throw r;
            }
            throw new RelayException.UnavailableException("CONNECTION", String.valueOf(e.getCause()), e.getCause());
        } finally {
            pending.remove(id, answer);
        }
    }

    /** Tells the relay this device stored a delivered envelope. Lost acks are harmless (re-delivery, then dedup). */
    @Override
    public void ack(String ackId) {
        try {
            transmit(RelayFrames.ack(ackId));
        } catch (RelayException e) {
            LOG.log(Level.FINE, "ack not sent, the envelope will be delivered again", e);
        }
    }

    private void transmit(String frame) {
        WebSocket ws = socket;
        if (ws == null) {
            throw new RelayException.UnavailableException("CONNECTION", "not connected to the relay", false);
        }
        synchronized (sendLock) {
            try {
                ws.sendText(frame, true).join();
            } catch (CompletionException e) {
                throw new RelayException.UnavailableException("CONNECTION", "connection lost while sending", e.getCause());
            }
        }
    }

    private void connect() {
        if (closing) {
            return;
        }
        String token;
        try {
            token = accessToken.get();
        } catch (RuntimeException e) {
            stop(new RelayException.AuthenticationException("no access token: " + e.getMessage()));
            return;
        }
        http.newWebSocketBuilder().header("Authorization", "Bearer " + token).connectTimeout(Duration.ofSeconds(20))
                .buildAsync(endpoint, new Listener())
                .whenComplete((ws, failure) -> {
                    if (failure == null) {
                        return; // onOpen did the rest
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof WebSocketHandshakeException h && h.getResponse().statusCode() == 401) {
                        stop(new RelayException.AuthenticationException("the relay refused the access token (401)"));
                    } else if (cause instanceof WebSocketHandshakeException h && h.getResponse().statusCode() == 403) {
                        // Not an end user's token (no role user, or issued to a client the relay does not accept):
                        // retrying with the same login cannot succeed (docs/protocol.md).
                        stop(new RelayException.AuthenticationException(
                                "the relay refused this login: not an end user of a SecureConnect app (403)"));
                    } else {
                        LOG.log(Level.FINE, "relay connection failed: " + cause);
                        scheduleReconnect();
                    }
                });
    }

    private synchronized void scheduleReconnect() {
        if (closing || stoppedBy != null) {
            return;
        }
        long delay = backoffMillis;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        scheduler.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void stop(RelayException cause) {
        stoppedBy = cause;
        connectedFuture.completeExceptionally(cause);
        failPending(cause);
        dispatcher.execute(() -> handler.stopped(cause));
    }

    private void failPending(RelayException cause) {
        pending.values().forEach(f -> f.completeExceptionally(cause));
    }

    private void lost(WebSocket ws, int code, String reason) {
        if (socket != ws && socket != null) {
            return;
        }
        socket = null;
        if (connectedFuture.isDone()) {
            connectedFuture = new CompletableFuture<>();
        }
        failPending(new RelayException.UnavailableException("CONNECTION", "connection to the relay lost (" + code + ")", false));
        if (closing) {
            return;
        }
        if (code == 4001) {
            stop(new RelayException.ConnectionClosedException(4001, "replaced by a newer connection of this device"));
        } else if (code == 4003 && System.currentTimeMillis() - startedAtMillis > UNKNOWN_DEVICE_GRACE_MILLIS) {
            stop(new RelayException.ConnectionClosedException(4003, "the relay does not know this device; register it again"));
        } else {
            dispatcher.execute(() -> handler.disconnected(code, reason));
            scheduleReconnect();
        }
    }

    private void onFrame(String text) {
        JsonNode frame = RelayFrames.parse(text);
        if (frame == null) {
            LOG.warning("relay sent something that is not a JSON object");
            return;
        }
        String type = frame.path("type").asText();
        switch (type) {
            case "accepted" -> complete(frame.path("id").asText(), f -> f.complete(frame.path("duplicate").asBoolean(false)));
            case "refused" -> complete(frame.path("id").asText(), f -> f.completeExceptionally(RelayFrames.refusal(frame)));
            case "error" -> {
                RelayException e = new RelayException.FrameRejectedException(frame.path("code").asText("ERROR"),
                        "relay error " + frame.path("code").asText() + ": " + frame.path("detail").asText(""));
                if (frame.hasNonNull("id")) {
                    complete(frame.get("id").asText(), f -> f.completeExceptionally(e));
                } else {
                    LOG.warning(e.getMessage());
                }
            }
            case "deliver" -> {
                RelayFrames.Delivery delivery = RelayFrames.delivery(frame);
                dispatcher.execute(() -> {
                    try {
                        handler.delivered(delivery);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "delivery " + delivery.id() + " not handled; the relay will deliver it again", e);
                    }
                });
            }
            case "receipt" -> {
                RelayFrames.Receipt receipt = RelayFrames.receipt(frame);
                dispatcher.execute(() -> handler.receipt(receipt));
            }
            default -> LOG.fine("ignored relay frame " + type);
        }
    }

    private void complete(String id, java.util.function.Consumer<CompletableFuture<Boolean>> action) {
        CompletableFuture<Boolean> f = pending.get(id);
        if (f != null) {
            action.accept(f);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket ws) {
            socket = ws;
            synchronized (RelayClient.this) {
                backoffMillis = FIRST_BACKOFF_MILLIS;
            }
            connectedFuture.complete(null);
            dispatcher.execute(handler::connected);
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onFrame(text);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            lost(ws, statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            LOG.log(Level.FINE, "relay connection error", error);
            lost(ws, 1006, String.valueOf(error));
        }
    }

    /** Closes the connection (normal closure) and stops reconnecting. */
    @Override
    public void close() {
        closing = true;
        WebSocket ws = socket;
        if (ws != null) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                ws.abort();
            }
        }
        failPending(new RelayException.UnavailableException("CONNECTION", "client closed", false));
        scheduler.shutdownNow();
        dispatcher.shutdown();
        try {
            dispatcher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
