package net.secureconnect.bench.wallet;

import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.testsupport.Dynoxide;
import net.secureconnect.testsupport.KafkaBroker;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.wallet.support.LedgerTable;
import net.secureconnect.wallet.support.TestKafka;
import net.secureconnect.wallet.support.WalletProcess;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end throughput of wallet-service (usage-events in, one DynamoDB transaction per run of an account's
 * events, BalanceChanged out) against the ceiling of raw dynoxide single-item transactional writes, measured
 * before and after in the same run on the same dynoxide. Command and results: docs/benchmarks.md.
 */
public final class WalletBenchmark {

    private static final long TOP_UP = 100_000_000L;
    private static final int WARM_UP_EVENTS = 3_000;
    private static final Duration SETTLE = Duration.ofMinutes(10);

    private WalletBenchmark() {
    }

    record Result(int accounts, int events, double eventsPerSecond, double produceSeconds, double seconds,
                  String applyQuantiles) {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> accountCounts = ints(System.getProperty("bench.accounts", "100,2000"));
        int events = Integer.getInteger("bench.events", 20_000);
        Duration ceilingDuration = Duration.ofSeconds(Integer.getInteger("bench.ceiling-seconds", 10));
        List<Integer> ceilingThreads = ints(System.getProperty("bench.ceiling-threads", "1,4,8"));
        String run = UUID.randomUUID().toString().substring(0, 8);

        String bootstrap = KafkaBroker.bootstrapServers();
        KafkaConsumerGroups.enable();
        Dynoxide.endpoint();
        log("machine: %d cores, load average %s, %s", Runtime.getRuntime().availableProcessors(), loadAverage(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));

        RawTransactionalWrites raw = new RawTransactionalWrites(LedgerTable.client(), "bench-raw-" + run);
        double ceilingBefore = ceiling(raw, ceilingThreads, ceilingDuration, "before");

        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "wallet.consumer.group-id", "wallet-bench-" + run,
                "kafka.group.instance.id", "wallet-bench-" + run,
                "quarkus.log.category.\"net.secureconnect\".level", "WARN"));
        for (String setting : System.getProperty("bench.wallet-settings", "").split(",")) {
            if (setting.contains("=")) {
                settings.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1).trim());
            }
        }
        log("wallet settings: %s", settings);
        WalletProcess wallet = WalletProcess.start(settings);
        List<Result> results = new ArrayList<>();
        try (BalanceWatcher watcher = new BalanceWatcher(bootstrap)) {
            for (int accounts : accountCounts) {
                results.add(endToEnd(wallet, watcher, run + accounts, accounts, events));
            }
        } finally {
            wallet.stop();
        }
        double ceilingAfter = ceiling(raw, ceilingThreads, ceilingDuration, "after");
        double ceiling = Math.max(ceilingBefore, ceilingAfter);

        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "wallet benchmark %s, %d cores, load average at the end %s%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), loadAverage()));
        report.append(String.format(Locale.ROOT,
                "ceiling: raw dynoxide single-item TransactWriteItems/s: before %.0f, after %.0f (best of %s threads)%n",
                ceilingBefore, ceilingAfter, ceilingThreads));
        for (Result result : results) {
            report.append(String.format(Locale.ROOT,
                    "end to end: %d accounts, %d usage events: %.0f events/s (%.1f s; producing took %.1f s);"
                            + " ratio to the higher ceiling %.2f; wallet apply latency %s%n",
                    result.accounts(), result.events(), result.eventsPerSecond(), result.seconds(),
                    result.produceSeconds(), result.eventsPerSecond() / ceiling, result.applyQuantiles()));
        }
        System.out.print(report);
        Path out = Path.of("target", "wallet-benchmark.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.exit(0);
    }

    private static double ceiling(RawTransactionalWrites raw, List<Integer> threads, Duration duration, String round)
            throws Exception {
        double best = 0;
        for (int count : threads) {
            double rate = raw.measure(count, duration, round);
            log("raw single-item transactional writes, %d threads: %.0f/s", count, rate);
            best = Math.max(best, rate);
        }
        return best;
    }

    private static Result endToEnd(WalletProcess wallet, BalanceWatcher watcher, String run, int accounts, int events)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            ids.add("bench" + run + "-" + a);
        }
        // Credits first (payments topic), so every usage event is a plain debit.
        send(ids.stream().map(account -> (Object) new CreditsPurchased("t" + run + "-" + account, Instant.now(),
                account, "pay-" + account, TOP_UP, 100, "EUR")).toList());
        await(watcher, "t" + run, accounts);
        send(usage("w" + run, ids, WARM_UP_EVENTS));
        await(watcher, "w" + run, WARM_UP_EVENTS);

        List<Object> measured = usage("m" + run, ids, events);
        long start = System.nanoTime();
        send(measured);
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        await(watcher, "m" + run, events);
        double seconds = (watcher.lastArrivalNanos() - start) / 1e9;

        // Exactness spot check: every account's version and balance are what was sent.
        for (int a = 0; a < accounts; a++) {
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = LedgerTable.wallet(ids.get(a));
            long perAccount = countFor(a, accounts, WARM_UP_EVENTS) + countFor(a, accounts, events);
            if (LedgerTable.number(item, "version") != 1 + perAccount
                    || LedgerTable.number(item, "balance") != TOP_UP - perAccount) {
                throw new IllegalStateException("account " + ids.get(a) + " is off: " + item);
            }
        }
        Result result = new Result(accounts, events, events / seconds, produceSeconds, seconds, applyQuantiles(wallet));
        log("%d accounts: %.0f events/s end to end", accounts, result.eventsPerSecond());
        return result;
    }

    private static long countFor(int account, int accounts, int events) {
        return events / accounts + (account < events % accounts ? 1 : 0);
    }

    private static List<Object> usage(String prefix, List<String> accounts, int events) {
        List<Object> usage = new ArrayList<>(events);
        Instant now = Instant.now();
        for (int i = 0; i < events; i++) {
            String account = accounts.get(i % accounts.size());
            usage.add(new UsageEvent(prefix + "-" + i, now, account, UsageKind.MESSAGE, 1, UsageMode.CAPTURE,
                    "envelope-" + i, "relay-service"));
        }
        return usage;
    }

    private static void send(List<Object> events) throws Exception {
        List<Future<?>> acks = new ArrayList<>(events.size());
        for (Object event : events) {
            acks.add(TestKafka.sendAsync((net.secureconnect.contracts.Event) event));
        }
        for (Future<?> ack : acks) {
            ack.get(60, TimeUnit.SECONDS);
        }
    }

    private static void await(BalanceWatcher watcher, String prefix, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (watcher.count(prefix) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(prefix + ": only " + watcher.count(prefix) + " of " + expected
                        + " BalanceChanged within " + SETTLE);
            }
            Thread.sleep(5);
        }
    }

    private static String applyQuantiles(WalletProcess wallet) {
        try {
            String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(wallet.managementUrl("/q/metrics")))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            StringBuilder quantiles = new StringBuilder();
            for (String line : page.split("\n")) {
                if (line.startsWith("wallet_apply_seconds{") && line.contains("quantile")) {
                    String q = line.substring(line.indexOf("quantile=\"") + 10, line.indexOf('"', line.indexOf("quantile=\"") + 10));
                    double ms = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) * 1000;
                    String percent = String.valueOf(Math.round(Double.parseDouble(q) * 100));
                    quantiles.append(String.format(Locale.ROOT, "p%s %.0f ms ", percent, ms));
                }
            }
            return quantiles.toString().trim();
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }
}
