package net.secureconnect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/prometheus: promtool checks the scrape configurations and rules and runs the rules' unit tests; every
 * alert the operations guide promises exists, has a runbook line that points into docs/operations.md, and a unit
 * test in which it fires. A rule weakened on purpose must make the unit tests fail.
 */
class PrometheusRulesTest {

    static final Path DIR = Tools.ROOT.resolve("deploy/prometheus");
    static final Path RULES = DIR.resolve("rules/secureconnect.rules.yml");
    static final Path TESTS = DIR.resolve("tests/secureconnect.rules.test.yml");

    /** The alerts of issue 17, by the name operators see. */
    static final Set<String> EXPECTED = Set.of("WalletOverdraft", "DeadLettersGrowing", "ConsumerLagHigh", "OutboxLeftovers", "OutboxBacklogOld",
            "RelayRefusalLatencyHigh", "WalletSuspensionPublishSlow", "Service5xxRatioHigh", "ServiceDown", "ServiceNotReady",
            "KafkaUnreachable", "RelayConnectionsNearLimit", "PaymentWebhookFailures", "DynamoDbThrottled", "DynamoDbLatencyHigh");

    static String promtool() {
        return Tools.require("promtool", "prometheus");
    }

    static List<JsonNode> alerts() throws Exception {
        List<JsonNode> alerts = new ArrayList<>();
        for (JsonNode group : Manifests.iterable(Manifests.YAML.readTree(RULES.toFile()).path("groups"))) {
            for (JsonNode rule : Manifests.iterable(group.path("rules"))) {
                if (rule.has("alert")) {
                    alerts.add(rule);
                }
            }
        }
        return alerts;
    }

    @Test
    void promtoolAcceptsTheRulesAndBothScrapeConfigurations() {
        String tool = promtool();
        Tools.runOk(DIR, List.of(tool, "check", "rules", RULES.toString()));
        Tools.runOk(DIR, List.of(tool, "check", "config", "prometheus.yml"));
        Tools.runOk(DIR, List.of(tool, "check", "config", "prometheus-compose.yml"));
    }

    /**
     * deploy/alertmanager's configuration is valid (amtool, Debian's prometheus-alertmanager), and the local stack's
     * Prometheus sends its alerts to the port deploy/local/stack starts that Alertmanager on.
     */
    @Test
    void alertmanagerAcceptsItsConfigurationAndPrometheusSendsToIt() throws Exception {
        String amtool = Tools.require("amtool", "prometheus-alertmanager");
        Tools.runOk(Tools.ROOT, List.of(amtool, "check-config", "deploy/alertmanager/alertmanager.yml"));
        String stack = Files.readString(Tools.ROOT.resolve("deploy/local/stack"));
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("ALERTMANAGER_PORT=\\$\\{ALERTMANAGER_PORT:-(\\d+)}").matcher(stack);
        assertTrue(port.find(), "deploy/local/stack sets ALERTMANAGER_PORT");
        JsonNode alerting = Manifests.YAML.readTree(DIR.resolve("prometheus.yml").toFile()).path("alerting");
        assertEquals("127.0.0.1:" + port.group(1),
                alerting.path("alertmanagers").path(0).path("static_configs").path(0).path("targets").path(0).asText());
    }

    @Test
    void theUnitTestsOfTheRulesPass() {
        String out = Tools.runOk(DIR, List.of(promtool(), "test", "rules", TESTS.toString()));
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void everyAlertHasARunbookAndAUnitTestInWhichItFires() throws Exception {
        Set<String> names = new TreeSet<>();
        String operations = Files.readString(Tools.ROOT.resolve("docs/operations.md"));
        for (JsonNode alert : alerts()) {
            String name = alert.path("alert").asText();
            names.add(name);
            String runbook = alert.path("annotations").path("runbook").asText();
            assertTrue(runbook.startsWith("docs/operations.md#" + name.toLowerCase() + " — "), name + " runbook: " + runbook);
            assertTrue(operations.contains("### " + name), "docs/operations.md has no section ### " + name);
            assertTrue(alert.path("labels").has("severity"), name + " has no severity");
        }
        assertEquals(new TreeSet<>(EXPECTED), names);

        Set<String> firing = new TreeSet<>();
        for (JsonNode test : Manifests.iterable(Manifests.YAML.readTree(TESTS.toFile()).path("tests"))) {
            for (JsonNode check : Manifests.iterable(test.path("alert_rule_test"))) {
                if (check.path("exp_alerts").size() > 0) {
                    firing.add(check.path("alertname").asText());
                }
            }
        }
        assertEquals(names, firing, "alerts without a unit test in which they fire");
    }

    /** The unit tests bite: with the overdraft alert weakened to "more than 5 credits", they fail. */
    @Test
    void aWeakenedRuleFailsItsUnitTest(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("rules"));
        Files.createDirectories(tmp.resolve("tests"));
        String rules = Files.readString(RULES);
        String weakened = rules.replace("sum(increase(wallet_overdraft_credits_total[10m])) > 0",
                "sum(increase(wallet_overdraft_credits_total[10m])) > 5");
        assertNotEquals(rules, weakened, "the overdraft expression changed; update this test");
        Files.writeString(tmp.resolve("rules/secureconnect.rules.yml"), weakened);
        Files.copy(TESTS, tmp.resolve("tests/secureconnect.rules.test.yml"));
        Tools.Result r = Tools.run(tmp, List.of(promtool(), "test", "rules", "tests/secureconnect.rules.test.yml"), 120);
        assertNotEquals(0, r.exitCode(), r.out());
        assertTrue(r.out().contains("WalletOverdraft"), r.out());
    }
}
