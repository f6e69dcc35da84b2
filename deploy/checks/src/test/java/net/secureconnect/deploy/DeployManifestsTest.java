package net.secureconnect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renders every overlay of deploy/k8s with {@code kubectl kustomize} and checks the objects (docs/deploy.md):
 * containers, environment, network policies, Kafka ACLs, nothing dev-only in production. The last test breaks a
 * correct rendering in each of those ways and expects every break to be reported, so the checks can fail.
 */
class DeployManifestsTest {

    private static final Map<String, String> TEXT = new HashMap<>();
    private static final Map<String, List<JsonNode>> DOCS = new HashMap<>();

    @BeforeAll
    static void render() {
        for (String overlay : List.of("dev", "production")) {
            String kubectl = Tools.kubectl();
            String out = Tools.runOk(Tools.ROOT, List.of(kubectl, "kustomize", "deploy/k8s/overlays/" + overlay));
            TEXT.put(overlay, out);
            DOCS.put(overlay, Manifests.parseAll(out));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyContainerHasProbesLimitsAndARestrictedSecurityContext(String overlay) {
        assertEquals(List.of(), Manifests.containerProblems(DOCS.get(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyVariableAServiceReadsIsSet(String overlay) {
        assertEquals(List.of(), Manifests.environmentProblems(DOCS.get(overlay), overlay.equals("production")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void networkPoliciesDenyByDefaultAndEverySelectorMatchesAWorkload(String overlay) {
        assertEquals(List.of(), Manifests.networkPolicyProblems(DOCS.get(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void eachServiceWritesOnlyItsOwnTopics(String overlay) {
        assertEquals(List.of(), Manifests.kafkaProblems(DOCS.get(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void topicsReadFromTheBeginningKeepEveryRecord(String overlay) {
        assertEquals(List.of(), Manifests.retentionProblems(DOCS.get(overlay)));
    }

    @Test
    void theReplayTableNamesEveryConsumerThatReadsFromTheBeginning() {
        assertEquals(new java.util.TreeSet<>(Manifests.REPLAYED_FROM_START.keySet()), Manifests.replayConsumers());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyServiceHasItsServiceHpaPdbAndServiceMonitor(String overlay) {
        List<JsonNode> docs = DOCS.get(overlay);
        for (String service : Manifests.SERVICES) {
            for (String kind : List.of("Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor")) {
                Manifests.first(docs, kind, service);
            }
            JsonNode monitor = Manifests.first(docs, "ServiceMonitor", service);
            assertEquals("management", monitor.path("spec").path("endpoints").path(0).path("port").asText());
            assertEquals("/q/metrics", monitor.path("spec").path("endpoints").path(0).path("path").asText());
            // The public Service never exposes the management port.
            for (JsonNode port : Manifests.iterable(Manifests.first(docs, "Service", service).path("spec").path("ports"))) {
                assertEquals("http", port.path("targetPort").asText(), service + " public Service");
            }
        }
        JsonNode relayHpa = Manifests.first(docs, "HorizontalPodAutoscaler", "relay-service");
        assertTrue(relayHpa.toString().contains("relay_connections"), "the relay scales by connections (or CPU)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void theIngressRoutesTheWebAppTheApisAndTheRelayWebSocket(String overlay) {
        Map<String, String> backends = new HashMap<>();
        for (JsonNode ing : Manifests.ofKind(DOCS.get(overlay), "Ingress")) {
            for (JsonNode rule : Manifests.iterable(ing.path("spec").path("rules"))) {
                backends.put(rule.path("http").path("paths").path(0).path("backend").path("service").path("name").asText(),
                        Manifests.name(ing));
            }
        }
        for (String target : List.of("web", "keycloak-service", "identity-service", "relay-service", "wallet-service",
                "media-service", "payment-service")) {
            assertTrue(backends.containsKey(target), "no Ingress rule for " + target);
        }
        JsonNode relay = Manifests.first(DOCS.get(overlay), "Ingress", backends.get("relay-service"));
        assertTrue(relay.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/proxy-read-timeout").asInt() >= 3600,
                "the relay WebSocket needs a long read timeout");
    }

    /** The Prometheus Operator selects them by this label (base/kustomization.yaml, docs/operations.md). */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void everyServiceMonitorAndPrometheusRuleCarriesTheLabelPrometheusSelects(String overlay) throws Exception {
        String operations = Files.readString(Tools.ROOT.resolve("docs/operations.md"));
        List<JsonNode> selected = new ArrayList<>(Manifests.ofKind(DOCS.get(overlay), "ServiceMonitor"));
        selected.addAll(Manifests.ofKind(DOCS.get(overlay), "PrometheusRule"));
        assertEquals(6, selected.size());
        for (JsonNode d : selected) {
            String release = d.path("metadata").path("labels").path("release").asText("");
            assertEquals("kube-prometheus-stack", release, d.path("kind").asText() + "/" + Manifests.name(d));
        }
        assertTrue(operations.contains("`release: kube-prometheus-stack`"), "docs/operations.md names the label");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void thePrometheusRuleResourceCarriesTheRulesOfDeployPrometheus(String overlay) throws Exception {
        JsonNode rules = Manifests.YAML.readTree(Tools.ROOT.resolve("deploy/prometheus/rules/secureconnect.rules.yml").toFile());
        assertEquals(rules, Manifests.first(DOCS.get(overlay), "PrometheusRule", "secureconnect").path("spec"));
    }

    @Test
    void productionHasNothingDevOnly() {
        assertEquals(List.of(), Manifests.devOnlyProblems(DOCS.get("production"), TEXT.get("production")));
    }

    @Test
    void theDevelopmentOverlayIsWhatTheCheckWouldRefuseInProduction() {
        List<String> problems = Manifests.devOnlyProblems(DOCS.get("dev"), TEXT.get("dev"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("PAYMENT_GATEWAY=sandbox")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("imports users")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("dynoxide")), problems.toString());
    }

    @Test
    void realmsStayInStepWithTheDevelopmentRealm() throws Exception {
        JsonNode file = Manifests.YAML.readTree(Files.readString(Tools.ROOT.resolve("deploy/keycloak/secureconnect-realm.json")));
        JsonNode dev = Manifests.first(DOCS.get("dev"), "KeycloakRealmImport", "secureconnect").path("spec").path("realm");
        assertEquals(file, dev, "the dev overlay imports deploy/keycloak/secureconnect-realm.json as it is");

        ObjectNode prod = (ObjectNode) Manifests.first(DOCS.get("production"), "KeycloakRealmImport", "secureconnect")
                .path("spec").path("realm").deepCopy();
        ObjectNode expected = (ObjectNode) file.deepCopy();
        expected.remove("users");
        ArrayNode clients = expected.putArray("clients");
        for (JsonNode c : Manifests.iterable(file.path("clients"))) {
            if (List.of("secureconnect-web", "secureconnect-cli").contains(c.path("clientId").asText())) {
                clients.add(c.deepCopy());
            }
        }
        // What production changes on purpose: the web client's public URLs and TLS for every request.
        JsonNode prodWeb = prod.path("clients").path(0);
        assertEquals("secureconnect-web", prodWeb.path("clientId").asText());
        ObjectNode web = (ObjectNode) clients.get(0);
        web.set("redirectUris", prodWeb.path("redirectUris"));
        web.set("webOrigins", prodWeb.path("webOrigins"));
        web.set("rootUrl", prodWeb.path("rootUrl"));
        ((ObjectNode) web.path("attributes")).set("post.logout.redirect.uris",
                prodWeb.path("attributes").path("post.logout.redirect.uris"));
        // ... and those are all on the app's public host (or relative).
        Manifests.clientUrls(prodWeb).forEach((field, urls) -> urls.forEach(url -> assertTrue(
                url.startsWith("https://app.secureconnect.example") || url.startsWith("/"), field + ": " + url)));
        assertTrue(!Manifests.clientUrls(prodWeb).get("post.logout.redirect.uris").isEmpty()
                && !Manifests.clientUrls(prodWeb).get("rootUrl").isEmpty(), prodWeb.toString());
        expected.put("sslRequired", "all");
        assertEquals(expected, prod, "the production realm is the development realm minus test users, test and service clients");
    }

    /** Each rule above must be able to fail: break a correct production rendering in every way and count the reports. */
    @Test
    void theChecksReportABrokenManifest() {
        List<JsonNode> docs = new ArrayList<>(Manifests.copy(DOCS.get("production")));

        ObjectNode relay = Manifests.first(docs, "Deployment", "relay-service");
        ObjectNode container = (ObjectNode) relay.path("spec").path("template").path("spec").path("containers").path(0);
        container.remove("readinessProbe");
        ((ObjectNode) container.path("securityContext")).put("readOnlyRootFilesystem", false);
        ((ObjectNode) container.path("resources")).remove("limits");
        List<String> containers = Manifests.containerProblems(docs);
        assertTrue(containers.stream().anyMatch(p -> p.contains("relay-service") && p.contains("readinessProbe")), containers.toString());
        assertTrue(containers.stream().anyMatch(p -> p.contains("readOnlyRootFilesystem")), containers.toString());
        assertTrue(containers.stream().anyMatch(p -> p.contains("limits.memory")), containers.toString());

        ObjectNode relayConfig = Manifests.first(docs, "ConfigMap", "relay-service");
        ((ObjectNode) relayConfig.path("data")).remove("RELAY_CALLS_TURN_URLS");
        ObjectNode walletConfig = Manifests.first(docs, "ConfigMap", "secureconnect-common");
        ((ObjectNode) walletConfig.path("data")).remove("KAFKA_BOOTSTRAP_SERVERS");
        List<String> env = Manifests.environmentProblems(docs, true);
        assertTrue(env.stream().anyMatch(p -> p.contains("relay-service") && p.contains("RELAY_CALLS_TURN_URLS")), env.toString());
        assertTrue(env.stream().anyMatch(p -> p.contains("wallet-service") && p.contains("KAFKA_BOOTSTRAP_SERVERS")), env.toString());

        ObjectNode np = Manifests.first(docs, "NetworkPolicy", "wallet-service");
        ((ObjectNode) np.path("spec").path("podSelector").path("matchLabels")).put("app.kubernetes.io/name", "walet-service");
        List<String> policies = Manifests.networkPolicyProblems(docs);
        assertTrue(policies.stream().anyMatch(p -> p.contains("walet-service") && p.contains("matches no workload")), policies.toString());

        ObjectNode walletUser = Manifests.first(docs, "KafkaUser", "wallet-service");
        ObjectNode acl = ((ArrayNode) walletUser.path("spec").path("authorization").path("acls")).addObject();
        acl.putObject("resource").put("type", "topic").put("name", "payments").put("patternType", "literal");
        acl.putArray("operations").add("Write");
        ObjectNode opsAcl = ((ArrayNode) Manifests.first(docs, "KafkaUser", "ops-replay").path("spec").path("authorization")
                .path("acls")).addObject();
        opsAcl.putObject("resource").put("type", "topic").put("name", "balances").put("patternType", "literal");
        opsAcl.putArray("operations").add("Write");
        List<String> kafka = Manifests.kafkaProblems(docs);
        assertTrue(kafka.stream().anyMatch(p -> p.contains("topic payments may be written by [payment-service, wallet-service]")),
                kafka.toString());
        assertTrue(kafka.stream().anyMatch(p -> p.contains("ops-replay may [Write] on topic balances")), kafka.toString());

        ((ObjectNode) Manifests.first(docs, "KafkaTopic", "accounts").path("spec").path("config")).remove("retention.ms");
        ((ObjectNode) Manifests.first(docs, "KafkaTopic", "balances").path("spec").path("config")).put("cleanup.policy", "delete");
        List<String> retention = Manifests.retentionProblems(docs);
        assertTrue(retention.stream().anyMatch(p -> p.startsWith("topic accounts ") && p.contains("default: 7 days")), retention.toString());
        assertTrue(retention.stream().anyMatch(p -> p.startsWith("topic balances ")), retention.toString());

        ObjectNode paymentConfig = Manifests.first(docs, "ConfigMap", "payment-service");
        ((ObjectNode) paymentConfig.path("data")).put("PAYMENT_GATEWAY", "sandbox");
        List<String> dev = Manifests.devOnlyProblems(docs, "");
        assertTrue(dev.stream().anyMatch(p -> p.contains("PAYMENT_GATEWAY=sandbox")), dev.toString());
        assertTrue(Manifests.devOnlyProblems(docs, "secret: dev-only-x").stream().anyMatch(p -> p.contains("dev-only")));

        ObjectNode realmWeb = (ObjectNode) Manifests.first(docs, "KeycloakRealmImport", "secureconnect").path("spec").path("realm")
                .path("clients").path(0);
        realmWeb.put("rootUrl", "http://127.0.0.1:5173");
        ((ObjectNode) realmWeb.path("attributes")).put("post.logout.redirect.uris", "https://app.secureconnect.example/*##http://localhost:5173/*");
        ((ArrayNode) realmWeb.path("webOrigins")).add("http://localhost:5173");
        List<String> realm = Manifests.devOnlyProblems(docs, "");
        for (String field : List.of("rootUrl names http://127.0.0.1:5173", "post.logout.redirect.uris names http://localhost:5173/*",
                "webOrigins names http://localhost:5173")) {
            assertTrue(realm.stream().anyMatch(p -> p.contains(field)), field + " in " + realm);
        }
    }
}
