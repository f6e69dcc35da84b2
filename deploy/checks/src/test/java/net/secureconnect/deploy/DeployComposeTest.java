package net.secureconnect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml as Debian's docker-compose resolves it ({@code docker-compose config}; no Docker engine
 * needed), cross-checked with docs/conventions.md (ports) and deploy/local/stack (the services' environment).
 */
class DeployComposeTest {

    private static JsonNode compose;

    @BeforeAll
    static void resolve() {
        String tool = Tools.require("docker-compose", "docker-compose");
        String out = Tools.runOk(Tools.ROOT, List.of(tool, "-f", "docker-compose.yml", "config"));
        compose = Manifests.parseAll(out).get(0);
    }

    /** component → [port, management port] from the table in docs/conventions.md. */
    static Map<String, List<Integer>> conventionPorts() throws Exception {
        Map<String, List<Integer>> ports = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| ([a-zA-Z0-9 (),-]+?) \\| (\\d+)[^|]*\\| *(\\d*) *\\|");
        for (String line : Files.readAllLines(Tools.ROOT.resolve("docs/conventions.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                List<Integer> p = new ArrayList<>(List.of(Integer.parseInt(m.group(2))));
                if (!m.group(3).isEmpty()) {
                    p.add(Integer.parseInt(m.group(3)));
                }
                ports.put(m.group(1).split(" ")[0], p);
            }
        }
        return ports;
    }

    static String composeName(String component) {
        return switch (component) {
            case "dynoxide" -> "dynamodb";
            case "Kafka" -> "kafka";
            case "Keycloak" -> "keycloak";
            default -> component;
        };
    }

    /** The variables deploy/local/stack passes to every service (its start_service env block). */
    static Set<String> localStackVariables() throws Exception {
        String stack = Files.readString(Tools.ROOT.resolve("deploy/local/stack"));
        // The environment of the service's command: from its start_component to the jar it runs (an earlier
        // "$JAVA" in start_service is the AOT cache check, not the service).
        int start = stack.indexOf("start_component \"$name\"", stack.indexOf("start_service() {"));
        int end = stack.indexOf("quarkus-run.jar\"", start);
        Set<String> vars = new TreeSet<>();
        Matcher m = Pattern.compile("\\b([A-Z][A-Z0-9_]+)=").matcher(stack.substring(start, end));
        while (m.find()) {
            vars.add(m.group(1));
        }
        return vars;
    }

    @Test
    void portsAreThoseOfDocsConventions() throws Exception {
        Map<String, List<Integer>> expected = conventionPorts();
        assertTrue(expected.size() >= 9, "conventions table not found: " + expected);
        expected.forEach((component, ports) -> {
            JsonNode service = compose.path("services").path(composeName(component));
            assertFalse(service.isMissingNode(), "docker-compose.yml has no " + composeName(component));
            Set<String> published = new TreeSet<>();
            for (JsonNode p : Manifests.iterable(service.path("ports"))) {
                if (p.isTextual()) { // docker-compose v1: "127.0.0.1:8081:8081/tcp"
                    String[] parts = p.asText().replace("/tcp", "").split(":");
                    published.add(parts[0] + ":" + parts[1] + "->" + parts[2]);
                } else { // Compose v2: the long form
                    published.add(p.path("host_ip").asText() + ":" + p.path("published").asText() + "->" + p.path("target").asText());
                }
            }
            for (int port : ports) {
                assertTrue(published.contains("127.0.0.1:" + port + "->" + port),
                        component + " publishes " + published + ", expected 127.0.0.1:" + port);
            }
            if (component.endsWith("-service")) {
                Map<String, String> env = Manifests.strings(service.path("environment"));
                assertEquals(String.valueOf(ports.get(0)), env.get("HTTP_PORT"), component);
                assertEquals(String.valueOf(ports.get(1)), env.get("MANAGEMENT_PORT"), component);
            }
        });
    }

    @Test
    void servicesGetTheLocalStacksEnvironmentAndEverythingTheyRead() throws Exception {
        Set<String> stackVars = localStackVariables();
        assertTrue(stackVars.containsAll(Set.of("KAFKA_BOOTSTRAP_SERVERS", "OIDC_AUTH_SERVER_URL", "QUARKUS_PROFILE")),
                "parsed " + stackVars);
        for (String service : Manifests.SERVICES) {
            Map<String, String> env = Manifests.strings(compose.path("services").path(service).path("environment"));
            Set<String> missing = new TreeSet<>(stackVars);
            missing.removeAll(env.keySet());
            assertEquals(Set.of(), missing, service + " lacks variables the local stack sets");
            Set<String> unread = new TreeSet<>(Manifests.variablesRead(service));
            unread.removeAll(env.keySet());
            unread.removeAll(Set.of("AWS_CREDENTIALS_TYPE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", // static "local" defaults
                    "S3_REGION", "MEDIA_BUCKET", "OIDC_CLIENT_ID", "OIDC_AUDIENCE", "PAYMENT_GATEWAY",
                    "PAYMENT_SANDBOX_WEBHOOK_SECRET", "PAYMENT_PUBLIC_BASE_URL", "RELAY_AUTO_PING_INTERVAL",
                    "RELAY_DYNAMODB_CALL_TIMEOUT", "RELAY_DYNAMODB_ATTEMPT_TIMEOUT", "RELAY_CALLS_TURN_URLS",
                    "SECURECONNECT_MEDIA_CORS_ORIGINS"));
            assertEquals(Set.of(), unread, service + " reads variables whose defaults point at 127.0.0.1, which is not"
                    + " where the other containers are");
            assertEquals("local", compose.path("services").path("payment-service").path("environment").path("QUARKUS_PROFILE").asText());
        }
    }

    @Test
    void everyComponentHasAHealthCheckAndServicesWaitForTheirDependencies() {
        compose.path("services").fields().forEachRemaining(e -> {
            assertFalse(e.getValue().path("healthcheck").path("test").isMissingNode(), e.getKey() + " has no health check");
        });
        for (String service : Manifests.SERVICES) {
            JsonNode s = compose.path("services").path(service);
            assertTrue(s.path("read_only").asBoolean(), service + " read_only");
            for (String dep : List.of("kafka", "dynamodb", "keycloak")) {
                assertEquals("service_healthy", s.path("depends_on").path(dep).path("condition").asText(), service + " on " + dep);
            }
            String test = s.path("healthcheck").path("test").toString();
            assertTrue(test.contains("/q/health/ready") && test.contains(Manifests.strings(s.path("environment")).get("MANAGEMENT_PORT")),
                    service + " checks readiness on its management port: " + test);
        }
    }

    @Test
    void composeRunsTheWebClientPrometheusAndGrafanaFromTheRepository() {
        JsonNode services = compose.path("services");
        for (String s : List.of("web", "prometheus", "grafana")) {
            assertFalse(services.path(s).isMissingNode(), s);
        }
        assertTrue(services.path("web").path("build").path("dockerfile").asText().endsWith("deploy/web/Dockerfile"));
        assertTrue(services.path("prometheus").toString().contains("deploy/prometheus"));
        assertTrue(services.path("grafana").toString().contains("deploy/grafana/dashboards"));
    }

    /** Prometheus in compose sends its alerts to an Alertmanager that compose runs, with the repository's configuration. */
    @Test
    void prometheusAlertsReachComposesAlertmanager() throws Exception {
        JsonNode alertmanager = compose.path("services").path("alertmanager");
        assertFalse(alertmanager.isMissingNode(), "docker-compose.yml runs no alertmanager");
        assertTrue(alertmanager.toString().contains("deploy/alertmanager"), alertmanager.toString());
        assertTrue(alertmanager.path("command").toString().contains("/etc/alertmanager/alertmanager.yml"), alertmanager.toString());
        assertFalse(alertmanager.path("healthcheck").path("test").isMissingNode());
        JsonNode prometheus = Manifests.parseAll(Files.readString(Tools.ROOT.resolve("deploy/prometheus/prometheus-compose.yml"))).get(0);
        List<String> targets = new ArrayList<>();
        for (JsonNode am : Manifests.iterable(prometheus.path("alerting").path("alertmanagers"))) {
            for (JsonNode sc : Manifests.iterable(am.path("static_configs"))) {
                sc.path("targets").forEach(t -> targets.add(t.asText()));
            }
        }
        assertEquals(List.of("alertmanager:9093"), targets, "Prometheus's Alertmanager target is the compose service's port");
        assertTrue(alertmanager.path("ports").toString().contains("9093"), alertmanager.path("ports").toString());
    }

    /** Calls: the TURN server the services' RELAY_CALLS_TURN_URLS names runs in compose with the same shared secret. */
    @Test
    void callsHaveTheTurnServerTheRelayHandsOutCredentialsFor() {
        JsonNode coturn = compose.path("services").path("coturn");
        assertFalse(coturn.isMissingNode(), "docker-compose.yml runs no coturn");
        Map<String, String> relayEnv = Manifests.strings(compose.path("services").path("relay-service").path("environment"));
        assertEquals("turn:127.0.0.1:3478", relayEnv.get("RELAY_CALLS_TURN_URLS"));
        String command = coturn.path("command").toString();
        assertTrue(command.contains("--use-auth-secret") && command.contains("--static-auth-secret=" + relayEnv.get("RELAY_CALLS_TURN_SECRET")),
                "coturn checks the relay's credentials with the relay's secret: " + command);
        assertTrue(coturn.path("ports").toString().contains("3478"), coturn.path("ports").toString());
    }
}
