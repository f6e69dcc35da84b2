package net.secureconnect.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitoring configuration against the running system (issue 17): every metric the Prometheus rules
 * (deploy/prometheus) and the Grafana dashboards (deploy/grafana) name exists on the services' real {@code /q/metrics},
 * and a real Prometheus (Debian's package) scraping the local stack with deploy/prometheus/prometheus.yml sees every
 * target up, loads every rule and answers every dashboard query.
 *
 * <p>Runs after every other IT (its own failsafe execution in e2e/pom.xml), so the traffic of the whole stage is in
 * the counters. Meters that Micrometer registers on their first event are provoked here where that is harmless: a
 * forged webhook (refused, nothing credited) and a record that is not an event on {@code usage-events} and
 * {@code accounts} (parked in their dead-letter topics by wallet and media, skipped by the relay).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringIT {

    static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
    static final Set<String> FUNCTIONS_AND_KEYWORDS = Set.of("sum", "rate", "increase", "max", "min", "avg", "count",
            "histogram_quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "bool", "offset", "humanizePercentage", "vector", "abs", "irate", "delta", "topk", "bottomk", "le");
    /** Not from the services: Prometheus' own and kube-state-metrics' (Kubernetes only). */
    static final Set<String> EXTERNAL = Set.of("up", "kube_deployment_status_replicas_available", "kube_deployment_spec_replicas");
    /**
     * Meters registered on their first event, which this stage cannot cause without breaking something on purpose:
     * a webhook for the wrong amount (payment), a failed outbox publish (identity), a duplicate event, a released
     * upload hold. Each must at least be registered by the service's code under that name (checked below).
     */
    static final Map<String, String> EVENT_ONLY = Map.of(
            "payment_webhooks_mismatched_total", "payment-service:payment.webhooks.mismatched",
            "identity_outbox_failed_total", "identity-service:identity.outbox.failed",
            "wallet_events_duplicate_total", "wallet-service:wallet.events.duplicate",
            "media_released_total", "media-service:media_released_total",
            "wallet_usage_rejected_total", "wallet-service:wallet.usage.rejected");

    private static Process prometheus;
    private static Process alertmanager;
    private static Path prometheusData;

    @BeforeAll
    static void provokeEventMeters() throws Exception {
        // A forged webhook: refused with 400, counted in payment_webhooks_rejected_total, nothing credited.
        HttpResponse<String> forged = Http.postJson(service("payment-service").baseUrl() + "/webhooks/sandbox",
                Map.of("x-sandbox-signature", "t=1,v1=00"), "{\"type\":\"payment.succeeded\"}");
        assertEquals(400, forged.statusCode(), forged.body());

        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, E2eConfig.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (String topic : List.of("usage-events", "accounts")) {
                producer.send(new ProducerRecord<>(topic, "monitoring-it-not-an-account",
                        "not an event".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
        await("the wallet dead-letters the records", () -> scrape("wallet-service").contains("wallet_events_dead_lettered_total"));
        await("media dead-letters the accounts record", () -> scrape("media-service").contains("media_dead_lettered_total"));
    }

    @AfterAll
    static void stopPrometheus() throws IOException {
        for (Process p : new Process[] {prometheus, alertmanager}) {
            if (p == null) {
                continue;
            }
            p.destroy();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (prometheusData != null) {
            try (Stream<Path> files = Files.walk(prometheusData)) {
                files.sorted((a, b) -> b.compareTo(a)).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    @Order(1)
    void everyMetricOfTheRulesAndDashboardsExistsOnTheRunningServices() throws Exception {
        Set<String> served = new TreeSet<>();
        for (E2eConfig.Service s : E2eConfig.services()) {
            served.addAll(names(scrape(s.name())));
        }
        Set<String> used = new TreeSet<>();
        Set<String> recorded = new HashSet<>();
        for (String expr : ruleExpressions(recorded)) {
            used.addAll(metricNames(expr));
        }
        for (String expr : dashboardExpressions()) {
            used.addAll(metricNames(expr));
        }
        used.removeAll(recorded);
        used.removeAll(EXTERNAL);
        assertTrue(used.size() > 30, "metric names found in rules and dashboards: " + used);

        Set<String> missing = new TreeSet<>();
        for (String name : used) {
            if (!served.contains(name) && !EVENT_ONLY.containsKey(name)) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "named in deploy/prometheus or deploy/grafana but served by no service");

        for (Map.Entry<String, String> e : EVENT_ONLY.entrySet()) {
            if (served.contains(e.getKey())) {
                continue;
            }
            String[] where = e.getValue().split(":");
            assertTrue(sourceContains(where[0], "\"" + where[1] + "\""), e.getKey() + " is not registered by " + where[0]);
        }
    }

    @Test
    @Order(2)
    void aRealPrometheusScrapesEveryServiceLoadsTheRulesAndAnswersEveryDashboardQuery() throws Exception {
        startPrometheus();
        String api = api();
        await("every target is up", () -> {
            JsonNode targets = Http.json(Http.get(api + "targets")).path("data").path("activeTargets");
            if (targets.size() != 5) {
                return false;
            }
            for (JsonNode t : targets) {
                if (!"up".equals(t.path("health").asText())) {
                    return false;
                }
            }
            return true;
        });
        // A rule's health is "unknown" until its group was first evaluated, then "ok" or "err".
        await("every rule has been evaluated", () -> {
            for (JsonNode g : Http.json(Http.get(api + "rules")).path("data").path("groups")) {
                for (JsonNode r : g.path("rules")) {
                    if ("unknown".equals(r.path("health").asText())) {
                        return false;
                    }
                }
            }
            return true;
        });
        int rules = 0;
        for (JsonNode g : Http.json(Http.get(api + "rules")).path("data").path("groups")) {
            for (JsonNode r : g.path("rules")) {
                rules++;
                assertEquals("ok", r.path("health").asText(), r.path("name") + ": " + r.path("lastError"));
            }
        }
        assertTrue(rules >= 19, "rules loaded: " + rules);

        // rate() needs two samples in its window: wait for the third scrape, then every query must succeed.
        await("a few scrapes are stored", () -> Http.json(Http.get(api + "query?query="
                + enc("count_over_time(up{job=\"wallet-service\"}[5m])"))).path("data").path("result").path(0)
                .path("value").path(1).asInt(0) >= 3);
        List<String> empty = new ArrayList<>();
        for (String expr : dashboardExpressions()) {
            JsonNode answer = Http.json(Http.get(api + "query?query=" + enc(expr)));
            assertEquals("success", answer.path("status").asText(), expr + ": " + answer);
            if (answer.path("data").path("result").isEmpty()) {
                empty.add(expr);
            }
        }
        // Reported, not asserted for every panel: a panel filtered to one service or label value (a gateway, a
        // refusal reason) is legitimately empty when this stage's traffic had none of it.
        System.out.println("[MonitoringIT] dashboard queries without data on this stack: " + empty);
        for (E2eConfig.Service s : E2eConfig.services()) {
            String heap = "sum by (instance) (jvm_memory_used_bytes{job=\"" + s.name() + "\",area=\"heap\"})";
            assertTrue(dashboardExpressions().contains(heap), "the " + s.name() + " dashboard shows its heap");
            assertTrue(!empty.contains(heap), s.name() + " heap panel has data");
        }
        // The latency percentiles of every service dashboard (libs/service-runtime DynamoDbCallMeter, LatencyHistograms):
        // calls made while Prometheus scrapes (a readiness check: DescribeTable of each table; a request without a
        // token: 401) give each service's p99 of both a number, not just a series.
        for (E2eConfig.Service s : E2eConfig.services()) {
            String dynamo = "histogram_quantile(0.99, sum by (le, operation) (rate(secureconnect_dynamodb_calls_seconds_bucket{job=\""
                    + s.name() + "\"}[5m])))";
            String http = "histogram_quantile(0.99, sum by (le, uri) (rate(http_server_requests_seconds_bucket{job=\""
                    + s.name() + "\"}[5m])))";
            assertTrue(dashboardExpressions().containsAll(List.of(dynamo, http)), "the " + s.name() + " dashboard shows p99s");
            await(s.name() + " DynamoDB and HTTP p99 have a value", () -> {
                Http.get(s.managementUrl() + "/q/health/ready");
                Http.get(s.baseUrl() + "/v1/session");
                return hasNumber(dynamo) && hasNumber(http);
            });
        }
        assertTrue(labelValues("sum by (outcome) (secureconnect_dynamodb_calls_seconds_count)", "outcome").contains("ok"));

        // What ConsumerLagHigh, OutboxBacklogOld and KafkaUnreachable read, with data from the running services.
        Set<String> consumers = labelValues("count by (job, client) (kafka_consumer_fetch_manager_records_lag)", "client");
        assertTrue(consumers.containsAll(Set.of("wallet-events", "relay-state")), "consumers with a lag series: " + consumers);
        assertEquals(Set.of("identity", "payment", "wallet", "relay-usage"),
                labelValues("secureconnect_outbox_oldest_age_seconds", "outbox"), "outbox backlog gauges");
        assertEquals(Set.of("identity-service", "relay-service", "wallet-service", "media-service", "payment-service"),
                labelValues("secureconnect_kafka_reachable == 1", "job"), "services that reach Kafka");
        for (String core : List.of("sum(relay_connections)", "up{job=~\".*-service.*\"}",
                "sum by (kind) (rate(wallet_events_applied_total[5m]))", "sum(rate(relay_envelopes_accepted_total[5m]))")) {
            assertTrue(dashboardExpressions().contains(core) && !empty.contains(core), core + " has data");
        }
    }

    /**
     * The local stack can show an alert: kill the wallet, see ServiceDown fire for it in Prometheus and arrive in
     * Alertmanager (deploy/alertmanager, which Prometheus sends to), start it again ({@code deploy/local/stack up}
     * restarts only what is missing) and see the alert resolve in both.
     */
    @Test
    @Order(3)
    void stoppingTheWalletFiresServiceDownAndRestartingItResolvesIt() throws Exception {
        startPrometheus();
        await("Prometheus scrapes the wallet", () -> walletUp() == 1);
        DependencyOutageIT.killProcessGroup("wallet-service");
        await("ServiceDown fires for wallet-service", () -> walletAlert().equals("firing"));
        await("ServiceDown for wallet-service arrives in Alertmanager", () -> walletAlertInAlertmanager().equals("active"));
        DependencyOutageIT.stackUp("wallet-service");
        await("ServiceDown for wallet-service resolves", () -> walletAlert().isEmpty());
        // Prometheus sends the resolution (endsAt); Alertmanager then no longer lists the alert.
        await("ServiceDown for wallet-service resolves in Alertmanager", () -> walletAlertInAlertmanager().isEmpty());
        assertEquals(1, walletUp());
    }

    // ------------------------------------------------------------------------------------------ helpers

    static String api() {
        return "http://127.0.0.1:" + E2eConfig.prop("prometheus.port", "19090") + "/api/v1/";
    }

    static int walletUp() {
        JsonNode result = Http.json(Http.get(api() + "query?query=" + enc("up{job=\"wallet-service\"}"))).path("data").path("result");
        return result.path(0).path("value").path(1).asInt(-1);
    }

    /** The state of the ServiceDown alert for the wallet ("pending", "firing"), or "" when there is none. */
    static String walletAlert() {
        for (JsonNode alert : Http.json(Http.get(api() + "alerts")).path("data").path("alerts")) {
            if ("ServiceDown".equals(alert.path("labels").path("alertname").asText())
                    && "wallet-service".equals(alert.path("labels").path("job").asText())) {
                return alert.path("state").asText();
            }
        }
        return "";
    }

    /** The state of the wallet's ServiceDown in Alertmanager ("active", "suppressed"), or "" when it lists none. */
    static String walletAlertInAlertmanager() {
        String url = "http://127.0.0.1:" + E2eConfig.prop("alertmanager.port", "19095") + "/api/v2/alerts";
        for (JsonNode alert : Http.json(Http.get(url))) {
            if ("ServiceDown".equals(alert.path("labels").path("alertname").asText())
                    && "wallet-service".equals(alert.path("labels").path("job").asText())) {
                return alert.path("status").path("state").asText();
            }
        }
        return "";
    }

    /** Whether an instant query has at least one series whose value is a number (a quantile of no calls is NaN). */
    static boolean hasNumber(String query) {
        for (JsonNode series : Http.json(Http.get(api() + "query?query=" + enc(query))).path("data").path("result")) {
            if (!"NaN".equals(series.path("value").path(1).asText("NaN"))) {
                return true;
            }
        }
        return false;
    }

    /** The values of {@code label} over the series of an instant query. */
    static Set<String> labelValues(String query, String label) {
        Set<String> values = new TreeSet<>();
        for (JsonNode series : Http.json(Http.get(api() + "query?query=" + enc(query))).path("data").path("result")) {
            values.add(series.path("metric").path(label).asText());
        }
        return values;
    }

    static E2eConfig.Service service(String name) {
        return E2eConfig.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    static String scrape(String serviceName) {
        HttpResponse<String> r = Http.get(service(serviceName).managementUrl() + "/q/metrics");
        assertEquals(200, r.statusCode(), serviceName);
        return r.body();
    }

    static Set<String> names(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Metric names in a PromQL expression: identifiers outside label matchers, strings and range brackets. */
    static Set<String> metricNames(String expr) {
        String stripped = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(stripped);
        while (m.find()) {
            String token = m.group();
            int next = m.end();
            while (next < stripped.length() && stripped.charAt(next) == ' ') {
                next++;
            }
            boolean call = next < stripped.length() && stripped.charAt(next) == '(';
            boolean number = m.start() > 0 && Character.isDigit(stripped.charAt(m.start() - 1));
            if (!call && !number && !FUNCTIONS_AND_KEYWORDS.contains(token)) {
                names.add(token);
            }
        }
        return names;
    }

    static List<String> ruleExpressions(Set<String> recorded) throws IOException {
        List<String> exprs = new ArrayList<>();
        JsonNode rules = new YAMLMapper().readTree(ROOT.resolve("deploy/prometheus/rules/secureconnect.rules.yml").toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                exprs.add(rule.path("expr").asText());
                if (rule.has("record")) {
                    recorded.add(rule.path("record").asText());
                }
            }
        }
        return exprs;
    }

    static List<String> dashboardExpressions() throws IOException {
        List<String> exprs = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/grafana/dashboards"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                for (JsonNode panel : Http.JSON.readTree(f.toFile()).path("panels")) {
                    for (JsonNode t : panel.path("targets")) {
                        exprs.add(t.path("expr").asText());
                    }
                }
            }
        }
        return exprs;
    }

    static boolean sourceContains(String module, String text) throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    static synchronized void startPrometheus() throws Exception {
        if (prometheus != null && prometheus.isAlive()) {
            return;
        }
        String binary = E2eConfig.prop("prometheus.binary", "/usr/bin/prometheus");
        if (!Files.isExecutable(Path.of(binary))) {
            if ("root".equals(System.getProperty("user.name"))) {
                new ProcessBuilder("apt-get", "install", "-y", "-qq", "--no-install-recommends", "prometheus")
                        .inheritIO().start().waitFor(900, TimeUnit.SECONDS);
            }
            assertTrue(Files.isExecutable(Path.of(binary)),
                    "no Prometheus at " + binary + ": sudo apt-get install prometheus (or -De2e.prometheus.binary=...)");
        }
        prometheusData = Files.createTempDirectory("sc-prometheus");
        startAlertmanager();
        Path log = ROOT.resolve("e2e/target/prometheus.log");
        Files.createDirectories(log.getParent());
        // deploy/prometheus/prometheus.yml with 5 s instead of 15 s scrape and evaluation intervals (the stage waits
        // for scrapes and for ServiceDown's `for`), and the rules by absolute path; targets and rules unchanged.
        String config = Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml"))
                .replace("scrape_interval: 15s", "scrape_interval: 5s")
                .replace("evaluation_interval: 15s", "evaluation_interval: 5s")
                .replace("  - rules/*.rules.yml", "  - " + ROOT.resolve("deploy/prometheus/rules") + "/*.rules.yml")
                .replace("\"127.0.0.1:9095\"", "\"127.0.0.1:" + E2eConfig.prop("alertmanager.port", "19095") + "\"");
        assertTrue(config.contains("scrape_interval: 5s") && config.contains(ROOT.resolve("deploy/prometheus/rules").toString())
                        && config.contains("127.0.0.1:" + E2eConfig.prop("alertmanager.port", "19095")),
                "deploy/prometheus/prometheus.yml changed shape; update MonitoringIT.startPrometheus");
        Path configFile = prometheusData.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        prometheus = new ProcessBuilder(binary,
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + prometheusData.resolve("data"),
                "--web.listen-address=127.0.0.1:" + E2eConfig.prop("prometheus.port", "19090"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Debian's Alertmanager with deploy/alertmanager/alertmanager.yml, on its own port (the stack's may run too). */
    static void startAlertmanager() throws Exception {
        String binary = E2eConfig.prop("alertmanager.binary", "/usr/bin/prometheus-alertmanager");
        if (!Files.isExecutable(Path.of(binary))) {
            if ("root".equals(System.getProperty("user.name"))) {
                new ProcessBuilder("apt-get", "install", "-y", "-qq", "--no-install-recommends", "prometheus-alertmanager")
                        .inheritIO().start().waitFor(900, TimeUnit.SECONDS);
            }
            assertTrue(Files.isExecutable(Path.of(binary)), "no Alertmanager at " + binary
                    + ": sudo apt-get install prometheus-alertmanager (or -De2e.alertmanager.binary=...)");
        }
        String port = E2eConfig.prop("alertmanager.port", "19095");
        Path log = ROOT.resolve("e2e/target/alertmanager.log");
        Files.createDirectories(log.getParent());
        alertmanager = new ProcessBuilder(binary,
                "--config.file=" + ROOT.resolve("deploy/alertmanager/alertmanager.yml"),
                "--storage.path=" + prometheusData.resolve("alertmanager"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("Alertmanager is ready", () -> Http.get("http://127.0.0.1:" + port + "/-/ready").statusCode() == 200);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException | AssertionError e) {
                // not yet (connection refused while Prometheus starts, and the like)
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("timed out waiting until " + what);
    }
}
