package net.secureconnect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/grafana: the provisioned dashboards parse, use the provisioned data source, and every panel's PromQL is
 * valid (promtool parses each as a recording rule). That their metrics exist on the running services is checked
 * by the e2e stage (MonitoringIT), where a real Prometheus-format scrape of every service is available.
 */
class GrafanaDashboardsTest {

    static final Path DIR = Tools.ROOT.resolve("deploy/grafana");

    static List<JsonNode> dashboards() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR.resolve("dashboards"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(Manifests.YAML.readTree(Files.readString(f)));
            }
        }
        return out;
    }

    static List<String> expressions() throws Exception {
        List<String> exprs = new ArrayList<>();
        for (JsonNode d : dashboards()) {
            for (JsonNode panel : Manifests.iterable(d.path("panels"))) {
                for (JsonNode target : Manifests.iterable(panel.path("targets"))) {
                    exprs.add(target.path("expr").asText());
                }
            }
        }
        return exprs;
    }

    @Test
    void anOverviewAMoneyAndOneDashboardPerService() throws Exception {
        Set<String> uids = new HashSet<>();
        for (JsonNode d : dashboards()) {
            assertTrue(uids.add(d.path("uid").asText()), "duplicate uid " + d.path("uid"));
            assertFalse(d.path("panels").isEmpty(), d.path("title") + " has panels");
        }
        Set<String> expected = new HashSet<>(Set.of("sc-overview", "sc-money"));
        Manifests.SERVICES.forEach(s -> expected.add("sc-" + s));
        assertEquals(expected, uids);
        String overview = Files.readString(DIR.resolve("dashboards/overview.json"));
        for (String metric : List.of("relay_envelopes_accepted_total", "relay_usage_events_published_total", "media_completed_total",
                "wallet_events_applied_total{kind=\\\"PURCHASE\\\"}", "relay_connections")) {
            assertTrue(overview.contains(metric), "overview shows " + metric);
        }
    }

    /**
     * Issue 17 item 5: each service's dashboard shows p95 and p99 — not averages — of its HTTP requests and of its
     * DynamoDB calls by operation (libs/service-runtime LatencyHistograms, DynamoDbCallMeter), and its DynamoDB calls
     * by outcome. MonitoringIT sees each of them return a number on the running stack.
     */
    @Test
    void everyServiceDashboardShowsHttpAndDynamoDbPercentilesAndDynamoDbOutcomes() throws Exception {
        for (String service : Manifests.SERVICES) {
            String dashboard = Files.readString(DIR.resolve("dashboards/" + service + ".json"));
            String job = "{job=\\\"" + service + "\\\"}[5m]";
            for (String q : List.of("0.99", "0.95")) {
                assertTrue(dashboard.contains("histogram_quantile(" + q + ", sum by (le, uri) (rate(http_server_requests_seconds_bucket"
                        + job + ")))"), service + " HTTP p" + q);
                assertTrue(dashboard.contains("histogram_quantile(" + q
                        + ", sum by (le, operation) (rate(secureconnect_dynamodb_calls_seconds_bucket" + job + ")))"),
                        service + " DynamoDB p" + q);
            }
            assertTrue(dashboard.contains("sum by (outcome) (rate(secureconnect_dynamodb_calls_seconds_count" + job + "))"),
                    service + " DynamoDB calls by outcome");
            assertFalse(dashboard.contains("http_server_requests_seconds_sum"), service + " still shows a mean duration");
        }
    }

    @Test
    void everyPanelQueriesTheProvisionedDataSource() throws Exception {
        JsonNode ds = Manifests.YAML.readTree(DIR.resolve("provisioning/datasources/prometheus.yml").toFile());
        String uid = ds.path("datasources").path(0).path("uid").asText();
        for (JsonNode d : dashboards()) {
            for (JsonNode panel : Manifests.iterable(d.path("panels"))) {
                assertEquals(uid, panel.path("datasource").path("uid").asText(), d.path("title") + " / " + panel.path("title"));
                assertFalse(panel.path("targets").isEmpty(), panel.path("title") + " has no query");
                for (JsonNode t : Manifests.iterable(panel.path("targets"))) {
                    assertFalse(t.path("expr").asText().isBlank(), panel.path("title") + " has an empty query");
                }
            }
        }
        JsonNode provider = Manifests.YAML.readTree(DIR.resolve("provisioning/dashboards/secureconnect.yml").toFile());
        assertEquals("/var/lib/grafana/dashboards", provider.path("providers").path(0).path("options").path("path").asText());
    }

    @Test
    void everyPanelQueryIsValidPromQl(@TempDir Path tmp) throws Exception {
        List<String> exprs = expressions();
        assertTrue(exprs.size() > 40, "queries found: " + exprs.size());
        assertEquals(0, check(tmp, exprs).exitCode(), check(tmp, exprs).out());
        // and the check can fail:
        List<String> broken = new ArrayList<>(exprs);
        broken.add("sum(rate(relay_connections[5m])");
        assertNotEquals(0, check(tmp, broken).exitCode());
    }

    private static Tools.Result check(Path tmp, List<String> exprs) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            rules.append("      - record: dashboard:query_").append(i).append("\n        expr: ")
                    .append(Manifests.YAML.writeValueAsString(exprs.get(i)).replaceFirst("^---\\s*", "").strip()).append('\n');
        }
        Path file = tmp.resolve("dashboards.rules.yml");
        Files.writeString(file, rules);
        return Tools.run(tmp, List.of(PrometheusRulesTest.promtool(), "check", "rules", file.toString()), 120);
    }
}
