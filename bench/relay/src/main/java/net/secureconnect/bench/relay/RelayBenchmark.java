package net.secureconnect.bench.relay;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.DeviceAdded;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.testsupport.Dynoxide;
import net.secureconnect.testsupport.KafkaBroker;
import net.secureconnect.testsupport.LocalTools;
import net.secureconnect.testsupport.ServiceProcess;
import net.secureconnect.testsupport.TestTokens;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * One run, on one machine, of everything issue 5 asks to measure (docs/benchmarks.md):
 * <ol>
 *   <li>ceiling: envelopes/s through a bare Vert.x WebSocket forwarder ({@link BareForwarder}, its own process);</li>
 *   <li>envelopes/s through the packaged relay-service with billing on (the real wallet-service consuming the
 *       usage events), same clients, same envelope sizes;</li>
 *   <li>send→deliver latency p50/p99 through the relay at half of its measured maximum;</li>
 *   <li>idle authenticated connections one relay holds, with its heap after a full GC and its RSS.</li>
 * </ol>
 * Kafka (in this JVM) and dynoxide are the same real components the tests use.
 */
public final class RelayBenchmark {

    private static final int DEVICES_PER_IDLE_ACCOUNT = 6;
    private static final StringBuilder REPORT = new StringBuilder();

    private RelayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int pairs = Integer.getInteger("bench.pairs", 32);
        int window = Integer.getInteger("bench.window", 16);
        Duration seconds = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));
        int idle = Integer.getInteger("bench.idle-connections", 15000);
        Path relayJar = Path.of(System.getProperty("relay.app"));
        Path walletJar = Path.of(System.getProperty("wallet.app"));

        report("relay benchmark, " + Instant.now() + ", load average at start " + loadAverage());
        report("pairs " + pairs + ", window " + window + " in flight per sender, " + seconds.toSeconds() + " s per run");
        Bodies bodies = new Bodies(4096, 42);
        report(String.format("ciphertext sizes: 70%% 150-600 B, 25%% 1-4 KiB, 5%% 16-64 KiB; mean %.0f B", bodies.meanSize()));

        KafkaBroker.bootstrapServers();
        Dynoxide.endpoint();
        // JVM comparisons (docs/benchmarks.md, "Java 25"): the services' java launcher and the relay's extra flags.
        String java = System.getProperty("bench.java", "").isBlank()
                ? LocalTools.javaExecutable() : System.getProperty("bench.java");
        List<String> relayJvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseG1GC"));
        for (String flag : System.getProperty("bench.relay-jvm-args", "").trim().split("\\s+")) {
            if (!flag.isBlank()) {
                relayJvm.add(flag);
            }
        }
        report("services on " + javaVersion(java) + "; relay " + relayJar + " with " + String.join(" ", relayJvm)
                + (Boolean.getBoolean("bench.aot") ? " + AOT cache (training run first)" : ""));
        ServiceProcess wallet = ServiceProcess.start("wallet-service", java, walletJar, Map.of(), List.of("-Xmx512m"));
        Map<String, String> relaySettings = Map.of(
                // The benchmark measures capacity, not the per-account abuse limits.
                "relay.limits.envelopes-per-second", "1000000",
                "relay.limits.bytes-per-second", "100000000000",
                "relay.calls.turn-secret", "relay-benchmark-turn-secret");
        if (Boolean.getBoolean("bench.aot")) {
            // JEP 514/515: one training run writes the cache when the JVM exits; the measured starts use it.
            Path cache = Path.of(System.getProperty("user.dir"), "target", "relay.aot");
            Files.deleteIfExists(cache);
            List<String> training = new ArrayList<>(relayJvm);
            training.add("-XX:AOTCacheOutput=" + cache);
            ServiceProcess.start("relay-service-aot-training", java, relayJar, relaySettings, training).stop();
            if (!Files.exists(cache)) {
                throw new IllegalStateException("the training run wrote no AOT cache at " + cache);
            }
            relayJvm.add("-XX:AOTCache=" + cache);
        }
        // Start time (launch to /q/health/ready 200) and footprint when ready, over bench.starts starts.
        int starts = Math.max(1, Integer.getInteger("bench.starts", 3));
        ServiceProcess relay = null;
        List<Double> startSeconds = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
            if (relay != null) {
                relay.stop();
            }
            long t0 = System.nanoTime();
            relay = ServiceProcess.start("relay-service", java, relayJar, relaySettings, relayJvm);
            startSeconds.add((System.nanoTime() - t0) / 1e9);
        }
        TimeUnit.SECONDS.sleep(5);
        long readyRss = rss(relay.pid());
        long readyHeap = heapUsedAfterGc(relay.pid());
        report(String.format("relay start to ready: %s s (median %.2f s); when ready: RSS %d MiB, heap after full GC %d MiB",
                startSeconds.stream().map(v -> String.format("%.2f", v)).toList(),
                startSeconds.stream().sorted().toList().get(startSeconds.size() / 2), readyRss >> 20, readyHeap >> 20));

        String run = UUID.randomUUID().toString().substring(0, 8);
        List<LoadGenerator.Account> senders = accounts("bench-" + run + "-s", pairs);
        List<LoadGenerator.Account> recipients = accounts("bench-" + run + "-r", pairs);
        int idleAccounts = (idle + DEVICES_PER_IDLE_ACCOUNT - 1) / DEVICES_PER_IDLE_ACCOUNT;
        List<LoadGenerator.Account> idlers = accounts("bench-" + run + "-i", idleAccounts);
        try (KafkaProducer<String, byte[]> kafka = producer()) {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (LoadGenerator.Account account : concat(senders, recipients)) {
                acks.add(send(kafka, Topic.ACCOUNTS, new DeviceAdded(UUID.randomUUID().toString(), Instant.now(),
                        account.id(), 1, 1, List.of(1))));
            }
            for (LoadGenerator.Account account : idlers) {
                List<Integer> devices = IntStream.rangeClosed(1, DEVICES_PER_IDLE_ACCOUNT).boxed().toList();
                acks.add(send(kafka, Topic.ACCOUNTS, new DeviceAdded(UUID.randomUUID().toString(), Instant.now(),
                        account.id(), DEVICES_PER_IDLE_ACCOUNT, 1, devices)));
            }
            for (LoadGenerator.Account sender : senders) {
                acks.add(send(kafka, Topic.PAYMENTS, new CreditsPurchased(UUID.randomUUID().toString(),
                        Instant.now(), sender.id(), "pay-" + UUID.randomUUID(), 10_000_000, 100, "EUR")));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
        // The relay learns devices and balances from Kafka: give it the time to read what was just published.
        TimeUnit.SECONDS.sleep(10);

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Duration warmup = Duration.ofSeconds(5);
        if (Boolean.parseBoolean(System.getProperty("bench.load", "true"))) {
            load(vertx, relay, bodies, senders, recipients, window, warmup, seconds);
        }

        if (idle > 0) {
            idleConnections(vertx, relay, idlers, idle);
        }
        report("load average at end " + loadAverage());

        Path out = Path.of(System.getProperty("user.dir"), "target", "relay-benchmark.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, REPORT.toString());
        System.out.println("written to " + out);
        vertx.close();
        relay.stop();
        wallet.stop();
        System.exit(0);
    }

    /** Store floor, ceiling, the relay's maximum, half load and the extra rates (skipped with -Dbench.load=false). */
    private static void load(Vertx vertx, ServiceProcess relay, Bodies bodies, List<LoadGenerator.Account> senders,
                             List<LoadGenerator.Account> recipients, int window, Duration warmup, Duration seconds)
            throws Exception {
        if (Boolean.parseBoolean(System.getProperty("bench.store-floor", "true"))) {
            storeFloor(bodies);
        }
        LoadGenerator.Result ceiling = ceiling(vertx, bodies, senders, recipients, window, warmup, seconds);

        LoadGenerator.Result maximum;
        LoadGenerator.Result half;
        try (LoadGenerator load = new LoadGenerator(vertx, bodies)) {
            load.connect(relay.port(), senders, recipients);
            maximum = load.maximum(window, warmup, seconds);
            report(String.format("relay, billing on: %.0f envelopes/s (%d refused) = %.2f x the ceiling",
                    maximum.perSecond(), maximum.refused(), maximum.perSecond() / ceiling.perSecond()));
            half = load.atRate(maximum.perSecond() / 2, warmup, seconds);
            report(String.format("relay at half load (%.0f/s offered): %.0f delivered/s, send->deliver p50 %.2f ms, "
                            + "p99 %.2f ms, max %.2f ms (%d samples)", maximum.perSecond() / 2, half.perSecond(),
                    half.percentileMicros(50) / 1000.0, half.percentileMicros(99) / 1000.0,
                    half.percentileMicros(100) / 1000.0, half.latenciesMicros().length));
            for (String rate : System.getProperty("bench.extra-rates", "").split(",")) {
                if (!rate.isBlank()) {
                    LoadGenerator.Result extra = load.atRate(Double.parseDouble(rate), warmup, seconds);
                    report(String.format("relay at %s/s offered: %.0f delivered/s, send->deliver p50 %.2f ms, "
                                    + "p99 %.2f ms, max %.2f ms (%d samples)", rate.trim(), extra.perSecond(),
                            extra.percentileMicros(50) / 1000.0, extra.percentileMicros(99) / 1000.0,
                            extra.percentileMicros(100) / 1000.0, extra.latenciesMicros().length));
                }
            }
            report("relay's own view at the end (Micrometer's percentiles, decaying over about 2 min): "
                    + serverQuantiles(relay.managementPort(), "relay_delivery_latency_seconds", "accept->deliver") + "; "
                    + serverQuantiles(relay.managementPort(), "relay_store_latency_seconds", "store (DynamoDB)"));
        }
    }

    /** The first line of a java launcher's -version, for the report. */
    private static String javaVersion(String java) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(60, TimeUnit.SECONDS);
        return java + " (" + output.lines().findFirst().orElse("?").trim() + ")";
    }

    /** The bare forwarder's maximum with the same clients and envelopes (skipped with -Dbench.ceiling=false). */
    private static LoadGenerator.Result ceiling(Vertx vertx, Bodies bodies, List<LoadGenerator.Account> senders,
                                                List<LoadGenerator.Account> recipients, int window, Duration warmup,
                                                Duration seconds) throws Exception {
        if (!Boolean.parseBoolean(System.getProperty("bench.ceiling", "true"))) {
            return new LoadGenerator.Result(1, 0, 1, new long[0]);
        }
        int forwarderPort = LocalTools.freePort();
        Process forwarder = startForwarder(forwarderPort);
        LoadGenerator.Result ceiling;
        try (LoadGenerator load = new LoadGenerator(vertx, bodies)) {
            load.connect(forwarderPort, senders, recipients);
            ceiling = load.maximum(window, warmup, seconds);
        } finally {
            forwarder.destroyForcibly().waitFor();
        }
        report(String.format("ceiling, bare Vert.x forwarder: %.0f envelopes/s", ceiling.perSecond()));
        return ceiling;
    }

    /** Opens {@code count} idle authenticated connections and reports the relay's heap and RSS before and after. */
    private static void idleConnections(Vertx vertx, ServiceProcess relay, List<LoadGenerator.Account> accounts,
                                        int count) throws Exception {
        long heapBefore = heapUsedAfterGc(relay.pid());
        long rssBefore = rss(relay.pid());
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(30_000)
                .setMaxConnections(100_000));
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<WebSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>(count));
        // At most this many handshakes in flight, like clients coming online, not a SYN flood.
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(256);
        long start = System.nanoTime();
        int opened = 0;
        outer:
        for (LoadGenerator.Account account : accounts) {
            for (int device = 1; device <= DEVICES_PER_IDLE_ACCOUNT; device++) {
                if (opened++ == count) {
                    break outer;
                }
                if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
                    report("idle connections: handshakes stalled (256 in flight for 60 s); stopping at " + opened);
                    break outer;
                }
                client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(relay.port())
                                .setURI("/v1/relay?device=" + device)
                                .addHeader("Authorization", "Bearer " + account.token()))
                        .onComplete(result -> {
                            inFlight.release();
                            if (result.succeeded()) {
                                open.incrementAndGet();
                                result.result().closeHandler(closed -> open.decrementAndGet());
                                sockets.add(result.result());
                            } else {
                                failed.incrementAndGet();
                            }
                        });
                if (opened % 2000 == 0) {
                    System.out.printf("  %d handshakes started, %d open, %d failed%n", opened, open.get(), failed.get());
                }
            }
        }
        inFlight.tryAcquire(256, 120, TimeUnit.SECONDS);
        double openSeconds = (System.nanoTime() - start) / 1e9;
        TimeUnit.SECONDS.sleep(10); // anything the relay refuses (unknown device, ...) is closed by now
        long heapAfter = heapUsedAfterGc(relay.pid());
        long rssAfter = rss(relay.pid());
        int held = open.get();
        report(String.format("idle connections: %d held open (%d failed to connect) after %.0f s of opening; "
                        + "relay heap after full GC %d MiB -> %d MiB (%.1f KiB per connection), RSS %d MiB -> %d MiB "
                        + "(-Xmx1g)", held, failed.get(), openSeconds, heapBefore >> 20, heapAfter >> 20,
                held == 0 ? 0 : (heapAfter - heapBefore) / 1024.0 / held, rssBefore >> 20, rssAfter >> 20));
        if (held > 0) {
            report(String.format("extrapolated: 50,000 idle connections need about %d MiB of heap",
                    (heapBefore + (heapAfter - heapBefore) * 50_000L / held) >> 20));
        }
        for (WebSocket socket : sockets) {
            socket.close();
        }
    }

    /**
     * The floor under the relay's latency: one envelope's store alone — a {@code TransactWriteItems} of an
     * envelope row and one queue row with a benchmark-sized body — sent one at a time from this JVM with the
     * services' DynamoDB client (url-connection) to the same dynoxide, while nothing else runs.
     */
    private static void storeFloor(Bodies bodies) {
        try (software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo =
                     software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                             .endpointOverride(java.net.URI.create(Dynoxide.endpoint()))
                             .region(software.amazon.awssdk.regions.Region.EU_CENTRAL_1)
                             .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                     software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("bench", "bench")))
                             .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                             .build()) {
            String table = "sc-bench-store-floor-" + UUID.randomUUID().toString().substring(0, 8);
            dynamo.createTable(b -> b.tableName(table)
                    .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder()
                            .attributeName("k").attributeType("S").build())
                    .keySchema(software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder()
                            .attributeName("k").keyType("HASH").build()));
            int warmup = 500;
            long[] nanos = new long[1000];
            for (int i = -warmup; i < nanos.length; i++) {
                String key = UUID.randomUUID().toString();
                String body = bodies.body(i + warmup);
                var envelope = software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().put(p -> p
                        .tableName(table).conditionExpression("attribute_not_exists(k)")
                        .item(Map.of("k", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(key)))).build();
                var row = software.amazon.awssdk.services.dynamodb.model.TransactWriteItem.builder().put(p -> p
                        .tableName(table).item(Map.of(
                                "k", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(key + "#1"),
                                "body", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromB(
                                        software.amazon.awssdk.core.SdkBytes.fromUtf8String(body))))).build();
                long started = System.nanoTime();
                dynamo.transactWriteItems(b -> b.transactItems(envelope, row));
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - started;
                }
            }
            java.util.Arrays.sort(nanos);
            report(String.format("store floor: one envelope's TransactWriteItems (2 items) alone on this dynoxide, one at "
                            + "a time from the benchmark JVM: p50 %.2f ms, p99 %.2f ms (%d after %d warm-up)",
                    nanos[nanos.length / 2] / 1e6, nanos[nanos.length * 99 / 100] / 1e6, nanos.length, warmup));
        }
    }

    /** p50 and p99 of a timer from the service's Prometheus endpoint (management port), in ms. */
    private static String serverQuantiles(int managementPort, String metric, String label) {
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + managementPort + "/q/metrics"))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            StringBuilder out = new StringBuilder(label);
            for (String quantile : List.of("0.5", "0.99")) {
                Matcher value = Pattern.compile("(?m)^" + metric + "\\{[^}]*quantile=\"" + Pattern.quote(quantile)
                        + "\"[^}]*\\} ([0-9.eE+-]+)$").matcher(response.body());
                out.append(String.format(" p%s %s ms", quantile.equals("0.5") ? "50" : "99",
                        value.find() ? String.format("%.2f", Double.parseDouble(value.group(1)) * 1000) : "?"));
            }
            return out.toString();
        } catch (IOException | InterruptedException e) {
            return label + " not readable (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static long heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(60, TimeUnit.SECONDS);
        return output;
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return -1;
    }

    private static Process startForwarder(int port) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(LocalTools.javaExecutable(), "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), BareForwarder.class.getName(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(Path.of("target", "bare-forwarder.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return process;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new IllegalStateException("bare forwarder did not start");
    }

    private static List<LoadGenerator.Account> accounts(String prefix, int count) {
        List<LoadGenerator.Account> accounts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String user = prefix + "-" + i;
            accounts.add(new LoadGenerator.Account(TestTokens.subjectOf(user),
                    TestTokens.expiringIn(user, Duration.ofHours(2))));
        }
        return accounts;
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static CompletableFuture<?> send(KafkaProducer<String, byte[]> kafka, Topic topic, Event event) {
        CompletableFuture<Object> acked = new CompletableFuture<>();
        kafka.send(new ProducerRecord<>(topic.topicName(), event.accountId(), EventJson.encode(event)),
                (metadata, error) -> {
                    if (error != null) {
                        acked.completeExceptionally(error);
                    } else {
                        acked.complete(metadata);
                    }
                });
        return acked;
    }

    private static List<LoadGenerator.Account> concat(List<LoadGenerator.Account> a, List<LoadGenerator.Account> b) {
        List<LoadGenerator.Account> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void report(String line) {
        System.out.println(line);
        REPORT.append(line).append('\n');
    }
}
