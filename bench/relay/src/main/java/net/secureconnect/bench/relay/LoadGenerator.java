package net.secureconnect.bench.relay;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Pairs of clients (sender account → recipient account, one device each) against one target (relay or bare
 * forwarder): a closed loop with a window of envelopes in flight per sender for the maximum rate, or an open
 * loop at a fixed rate for latency. Recipients ack every delivery, as real clients do.
 */
final class LoadGenerator implements AutoCloseable {

    /** One account of the benchmark: its id (the token subject) and a token. */
    record Account(String id, String token) {
    }

    /** What one run measured. */
    record Result(long delivered, long refused, double seconds, long[] latenciesMicros) {
        double perSecond() {
            return delivered / seconds;
        }

        long percentileMicros(double p) {
            if (latenciesMicros.length == 0) {
                return -1;
            }
            long[] sorted = latenciesMicros.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
        }
    }

    private final Vertx vertx;
    private final WebSocketClient client;
    private final Bodies bodies;
    private final List<WebSocket> senders = new ArrayList<>();
    private final List<String> recipients = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean measuring;
    private volatile boolean running;
    private volatile AtomicLongArray latencies = new AtomicLongArray(0);
    private final AtomicLong latencyCount = new AtomicLong();
    /** Called with the sender index when one of its envelopes was answered (closed loop). */
    private volatile java.util.function.IntConsumer onAnswer = index -> { };

    LoadGenerator(Vertx vertx, Bodies bodies) {
        this.vertx = vertx;
        this.bodies = bodies;
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(2_200_000).setMaxMessageSize(2_200_000).setConnectTimeout(30_000)
                // Vert.x allows 50 WebSockets per endpoint by default; every client here talks to one endpoint.
                .setMaxConnections(100_000));
    }

    /** Connects every pair's sender and recipient (device 1 each) to the target. */
    void connect(int port, List<Account> senderAccounts, List<Account> recipientAccounts) {
        for (int i = 0; i < senderAccounts.size(); i++) {
            int index = i;
            WebSocket recipient = open(port, recipientAccounts.get(i));
            recipient.textMessageHandler(text -> onRecipientFrame(recipient, text));
            WebSocket sender = open(port, senderAccounts.get(i));
            sender.textMessageHandler(text -> onSenderFrame(index, text));
            senders.add(sender);
            recipients.add(recipientAccounts.get(i).id());
        }
    }

    WebSocket open(int port, Account account) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI("/v1/relay?device=1").addHeader("Authorization", "Bearer " + account.token());
        return await(client.connect(options));
    }

    /** Closed loop: every sender keeps {@code window} envelopes in flight; measures after {@code warmup}. */
    Result maximum(int window, Duration warmup, Duration measure) throws InterruptedException {
        running = true;
        onAnswer = this::sendFrom;
        for (int i = 0; i < senders.size(); i++) {
            for (int w = 0; w < window; w++) {
                sendFrom(i);
            }
        }
        return measure(warmup, measure, 0);
    }

    /** Open loop: {@code perSecond} envelopes spread evenly over the senders; records send→deliver latency. */
    Result atRate(double perSecond, Duration warmup, Duration measure) throws InterruptedException {
        running = true;
        onAnswer = index -> { };
        double perMilli = perSecond / 1000;
        double[] owed = {0};
        long[] next = {0};
        long timer = vertx.setPeriodic(1, tick -> {
            if (!running) {
                return;
            }
            owed[0] += perMilli;
            while (owed[0] >= 1) {
                owed[0] -= 1;
                sendFrom((int) (next[0]++ % senders.size()));
            }
        });
        try {
            return measure(warmup, measure, (int) Math.min(5_000_000, perSecond * measure.toSeconds() * 1.5 + 1000));
        } finally {
            vertx.cancelTimer(timer);
        }
    }

    private Result measure(Duration warmup, Duration measure, int latencyCapacity) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(warmup.toMillis());
        latencies = new AtomicLongArray(latencyCapacity);
        latencyCount.set(0);
        delivered.set(0);
        refused.set(0);
        measuring = true;
        long start = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep(measure.toMillis());
        measuring = false;
        double seconds = (System.nanoTime() - start) / 1e9;
        running = false;
        long count = Math.min(latencyCount.get(), latencies.length());
        long[] samples = new long[(int) count];
        for (int i = 0; i < count; i++) {
            samples[i] = latencies.get(i);
        }
        Result result = new Result(delivered.get(), refused.get(), seconds, samples);
        TimeUnit.SECONDS.sleep(2); // let in-flight envelopes drain before the next run
        sentAt.clear();
        return result;
    }

    private void sendFrom(int index) {
        if (!running) {
            return;
        }
        long n = sequence.incrementAndGet();
        String id = "b-" + n;
        sentAt.put(id, System.nanoTime());
        String frame = "{\"type\":\"send\",\"id\":\"" + id + "\",\"to\":\"" + recipients.get(index)
                + "\",\"messages\":[{\"deviceId\":1,\"type\":1,\"body\":\"" + bodies.body(n) + "\"}]}";
        senders.get(index).writeTextMessage(frame);
    }

    private void onSenderFrame(int index, String text) {
        JsonObject frame = new JsonObject(text);
        String type = frame.getString("type");
        if ("refused".equals(type) || "error".equals(type)) {
            sentAt.remove(frame.getString("id", ""));
            if (measuring) {
                refused.incrementAndGet();
            }
            onAnswer.accept(index);
        } else if ("accepted".equals(type)) {
            onAnswer.accept(index);
        }
    }

    private void onRecipientFrame(WebSocket socket, String text) {
        JsonObject frame = new JsonObject(text);
        if (!"deliver".equals(frame.getString("type"))) {
            return;
        }
        socket.writeTextMessage("{\"type\":\"ack\",\"ackId\":\"" + frame.getString("ackId") + "\"}");
        Long sent = sentAt.remove(frame.getString("id"));
        if (measuring && sent != null) {
            delivered.incrementAndGet();
            long slot = latencyCount.getAndIncrement();
            if (slot < latencies.length()) {
                latencies.set((int) slot, (System.nanoTime() - sent) / 1000);
            }
        }
    }

    static <T> T await(Future<T> future) {
        return future.toCompletionStage().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        running = false;
        for (WebSocket sender : senders) {
            sender.close();
        }
        await(client.close());
    }
}
