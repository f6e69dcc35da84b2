package net.secureconnect.bench.media;

import net.secureconnect.testsupport.Dynoxide;
import net.secureconnect.testsupport.KafkaBroker;
import net.secureconnect.testsupport.S3Proxy;
import net.secureconnect.testsupport.ServiceProcess;
import net.secureconnect.testsupport.TestTokens;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * How many upload requests one media-service instance serves at once while the wallet's answer is late (issue 14:
 * a platform worker thread, or a virtual thread, parked per waiting request). No wallet runs: every
 * {@code POST /media/uploads} stores its slot, publishes the AUTHORIZE to the real Kafka broker and waits the
 * whole {@code secureconnect.media.wallet-timeout} (bench.wallet-wait) for an answer that does not come, then
 * answers 503 WALLET_UNAVAILABLE — the longest a real late answer keeps a request. bench.requests requests from
 * as many accounts (the per-account rate limit stays out of the way) are sent at once.
 *
 * <p>The figure that does not depend on how loaded the machine is: <b>waits in progress</b>, the AUTHORIZE events
 * on {@code usage-events} (each request publishes one right before it starts waiting) counted at 90 % of the wait
 * after the burst began — before any wait can have ended, so each is a request waiting at that moment. A pool of
 * platform worker threads caps it at the pool's size; virtual threads do not.
 *
 * <p>Variants (bench.variants, {@code label=<quarkus-run.jar>[=<extra JVM flags>]} separated by {@code ;}) are run
 * interleaved, bench.rounds times, each on a fresh media-service process against the same Kafka, dynoxide and
 * s3proxy. Figures per run: wall time of the burst, requests answered per second, latency p50/p99/max, and how
 * many were answered within 1.5 x the wait (= waited concurrently from the start).
 */
public final class UploadWaitBenchmark {

    private static final StringBuilder REPORT = new StringBuilder();

    private UploadWaitBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int requests = Integer.getInteger("bench.requests", 600);
        Duration wait = Duration.parse("PT" + System.getProperty("bench.wallet-wait", "2s").toUpperCase());
        int rounds = Integer.getInteger("bench.rounds", 3);
        Map<String, String[]> variants = new LinkedHashMap<>();
        for (String variant : System.getProperty("bench.variants", "current=" + System.getProperty("media.app")).split(";")) {
            if (!variant.isBlank()) {
                String[] parts = variant.trim().split("=", 3);
                variants.put(parts[0], new String[]{parts[1], parts.length > 2 ? parts[2] : ""});
            }
        }
        report("media upload-wait benchmark, " + Instant.now() + ", " + requests + " concurrent uploads, wallet answer "
                + "late by more than " + wait.toMillis() + " ms (no wallet; wallet-timeout = " + wait.toMillis() + " ms)");

        KafkaBroker.bootstrapServers();
        Dynoxide.endpoint();
        Map<String, String> settings = new TreeMap<>(Map.of(
                "quarkus.s3.endpoint-override", S3Proxy.endpoint(),
                "quarkus.s3.path-style-access", "true",
                "quarkus.s3.aws.region", S3Proxy.REGION,
                "quarkus.s3.aws.credentials.type", "static",
                "quarkus.s3.aws.credentials.static-provider.access-key-id", S3Proxy.ACCESS_KEY,
                "quarkus.s3.aws.credentials.static-provider.secret-access-key", S3Proxy.SECRET_KEY,
                "secureconnect.media.wallet-timeout", wait.toMillis() + "ms"));
        String flags = System.getProperty("bench.media-jvm-args", "").trim();

        Map<String, List<double[]>> results = new LinkedHashMap<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<String, String[]> variant : variants.entrySet()) {
                List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseCompactObjectHeaders"));
                for (String flag : (flags + " " + variant.getValue()[1]).trim().split("\\s+")) {
                    if (!flag.isBlank()) {
                        jvm.add(flag);
                    }
                }
                ServiceProcess media = ServiceProcess.start("media-service-" + variant.getKey(), javaOf(),
                        Path.of(variant.getValue()[0]), settings, jvm);
                try {
                    burst(http, media, 20, wait); // warm-up: JIT, connections to Kafka and dynoxide
                    String load = loadAverage();
                    double[] figures = burst(http, media, requests, wait);
                    results.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(figures);
                    report(String.format("round %d, %s (load average %s): %d waits in progress at %.1f s; %d requests in "
                                    + "%.2f s = %.0f/s; latency p50 %.0f ms, p99 %.0f ms, max %.0f ms; statuses %s",
                            round, variant.getKey(), load, (long) figures[5], wait.toMillis() * 0.9 / 1000, requests,
                            figures[0], figures[1], figures[2], figures[3], figures[4], statuses));
                } finally {
                    media.stop();
                }
            }
        }
        report("medians (waits in progress | wall s | answered/s | p50 ms | p99 ms):");
        for (Map.Entry<String, List<double[]>> result : results.entrySet()) {
            report(String.format("  %s: %.0f | %.2f | %.0f | %.0f | %.0f", result.getKey(), median(result.getValue(), 5),
                    median(result.getValue(), 0), median(result.getValue(), 1), median(result.getValue(), 2),
                    median(result.getValue(), 3)));
        }
        Path out = Path.of(System.getProperty("user.dir"), "target", "media-benchmark.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, REPORT.toString());
        System.out.println("written to " + out);
        System.exit(0);
    }

    /** Status codes of the last burst (all 503 WALLET_UNAVAILABLE when every request waited its full time). */
    private static Map<Integer, Integer> statuses = new TreeMap<>();

    /** Sends {@code count} upload requests at once; {wall s, per s, p50 ms, p99 ms, max ms, waits in progress}. */
    private static double[] burst(HttpClient http, ServiceProcess media, int count, Duration wait) throws Exception {
        statuses = new TreeMap<>();
        URI uri = URI.create(media.url("/media/uploads"));
        List<HttpRequest> prepared = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            prepared.add(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + TestTokens.forUser("bench-" + UUID.randomUUID()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"size\":1024}")).build());
        }
        long[] nanos = new long[count];
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        long published = authorizesPublished();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int index = i;
            long sent = System.nanoTime();
            answers.add(http.sendAsync(prepared.get(i), HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
                nanos[index] = System.nanoTime() - sent;
                synchronized (UploadWaitBenchmark.class) {
                    statuses.merge(response.statusCode(), 1, Integer::sum);
                }
            }));
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, start + wait.toNanos() * 9 / 10 - System.nanoTime()));
        long waiting = authorizesPublished() - published;
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double wall = (System.nanoTime() - start) / 1e9;
        Arrays.sort(nanos);
        return new double[]{wall, count / wall, nanos[count / 2] / 1e6, nanos[count * 99 / 100] / 1e6,
                nanos[count - 1] / 1e6, waiting};
    }

    /** Records on usage-events so far (only this benchmark's media-service publishes there: AUTHORIZEs). */
    private static long authorizesPublished() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaBroker.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = kafka.partitionsFor("usage-events").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return kafka.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static String javaOf() {
        String java = System.getProperty("bench.java", "");
        return java.isBlank() ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : java;
    }

    private static double median(List<double[]> runs, int column) {
        double[] values = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static void report(String line) {
        System.out.println(line);
        REPORT.append(line).append('\n');
    }
}
