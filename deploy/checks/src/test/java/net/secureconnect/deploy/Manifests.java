package net.secureconnect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules a rendered overlay must satisfy (DeployManifestsTest). Each check returns the problems it finds, so a
 * test can also show that a broken manifest is caught.
 */
final class Manifests {

    static final ObjectMapper YAML = new YAMLMapper();
    static final List<String> SERVICES = List.of("identity-service", "relay-service", "wallet-service", "media-service",
            "payment-service");

    /** Secrets created outside git before a production deploy (deploy/k8s/README.md), or by an operator. */
    static final Set<String> EXTERNAL_SECRETS = Set.of("relay-turn", "payment-stripe", "secureconnect-tls",
            "secureconnect-cluster-ca-cert", "keycloak-db-app");

    /**
     * Settings a service reads through a config mapping without a usable production default (no {@code ${VAR}} in
     * application.properties names them): they must be set in every overlay.
     */
    static final Map<String, List<String>> REQUIRED = Map.of(
            "relay-service", List.of("RELAY_CALLS_TURN_SECRET", "RELAY_CALLS_TURN_URLS"),
            "payment-service", List.of("PAYMENT_GATEWAY"),
            "media-service", List.of("SECURECONNECT_MEDIA_CORS_ORIGINS"));

    /** Read by a service but deliberately left unset where workload identity replaces static keys. */
    static final Set<String> STATIC_AWS_KEYS = Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "S3_ACCESS_KEY_ID",
            "S3_SECRET_ACCESS_KEY");

    private Manifests() {
    }

    static List<JsonNode> render(String overlay) {
        String kubectl = Tools.kubectl();
        String out = Tools.runOk(Tools.ROOT, List.of(kubectl, "kustomize", "deploy/k8s/overlays/" + overlay));
        return parseAll(out);
    }

    static List<JsonNode> parseAll(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(new YAMLFactory().createParser(yaml))) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) {
                    docs.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static String name(JsonNode d) {
        return d.path("metadata").path("name").asText();
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static List<JsonNode> workloads(List<JsonNode> docs) {
        return docs.stream().filter(d -> Set.of("Deployment", "StatefulSet", "DaemonSet").contains(d.path("kind").asText()))
                .toList();
    }

    // ------------------------------------------------------------------------------------------ containers

    /** Probes, requests and limits, and the restricted security context on every container. */
    static List<String> containerProblems(List<JsonNode> docs) {
        List<String> problems = new ArrayList<>();
        for (JsonNode w : workloads(docs)) {
            JsonNode pod = podSpec(w);
            boolean podNonRoot = pod.path("securityContext").path("runAsNonRoot").asBoolean(false);
            for (JsonNode c : iterable(pod.path("containers"))) {
                String where = w.path("kind").asText() + "/" + name(w) + " container " + c.path("name").asText();
                for (String probe : List.of("livenessProbe", "readinessProbe")) {
                    if (c.path(probe).isMissingNode()) {
                        problems.add(where + ": no " + probe);
                    }
                }
                for (String kind : List.of("requests", "limits")) {
                    for (String res : List.of("cpu", "memory")) {
                        if (c.path("resources").path(kind).path(res).isMissingNode()) {
                            problems.add(where + ": no " + kind + "." + res);
                        }
                    }
                }
                JsonNode sc = c.path("securityContext");
                if (!(sc.path("runAsNonRoot").asBoolean(false) || podNonRoot)) {
                    problems.add(where + ": runAsNonRoot not set");
                }
                if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                    problems.add(where + ": readOnlyRootFilesystem not true");
                }
                if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                    problems.add(where + ": allowPrivilegeEscalation not false");
                }
                if (!texts(sc.path("capabilities").path("drop")).contains("ALL")) {
                    problems.add(where + ": capabilities not dropped (drop: [ALL])");
                }
                if (SERVICES.contains(name(w))) {
                    problems.addAll(managementProbeProblems(where, c));
                }
            }
        }
        return problems;
    }

    /** A service's probes use /q/health/* on the management port (the public port answers 404 for /q/). */
    private static List<String> managementProbeProblems(String where, JsonNode c) {
        List<String> problems = new ArrayList<>();
        Map<String, String> paths = Map.of("livenessProbe", "/q/health/live", "readinessProbe", "/q/health/ready");
        paths.forEach((probe, path) -> {
            JsonNode get = c.path(probe).path("httpGet");
            if (!path.equals(get.path("path").asText())) {
                problems.add(where + ": " + probe + " is not GET " + path);
            }
            if (!"management".equals(get.path("port").asText())) {
                problems.add(where + ": " + probe + " not on the management port");
            }
        });
        return problems;
    }

    // ------------------------------------------------------------------------------------------ environment

    /** The environment variables a service reads: every ${VAR} of its own and the shared configuration. */
    static Set<String> variablesRead(String service) {
        Set<String> vars = new TreeSet<>();
        for (Path p : List.of(Tools.ROOT.resolve(service + "/src/main/resources/application.properties"),
                Tools.ROOT.resolve("libs/service-runtime/src/main/resources/META-INF/microprofile-config.properties"))) {
            try {
                for (String line : Files.readAllLines(p)) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith("#") || trimmed.startsWith("%")) {
                        continue; // profile-specific lines (dev/test) are not what a deployment runs
                    }
                    Matcher m = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(trimmed);
                    while (m.find()) {
                        vars.add(m.group(1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        vars.addAll(REQUIRED.getOrDefault(service, List.of()));
        return vars;
    }

    /** The container's environment as the kubelet would build it: envFrom ConfigMaps, then env. */
    static Map<String, String> environment(List<JsonNode> docs, JsonNode container, List<String> problems, String where) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, JsonNode> configMaps = new HashMap<>();
        ofKind(docs, "ConfigMap").forEach(c -> configMaps.put(name(c), c));
        Set<String> secrets = new HashSet<>(EXTERNAL_SECRETS);
        ofKind(docs, "Secret").forEach(s -> secrets.add(name(s)));
        ofKind(docs, "KafkaUser").forEach(u -> secrets.add(name(u))); // Strimzi writes the user's Secret
        for (JsonNode from : iterable(container.path("envFrom"))) {
            String cm = from.path("configMapRef").path("name").asText(null);
            if (cm != null) {
                JsonNode map = configMaps.get(cm);
                if (map == null) {
                    problems.add(where + ": envFrom ConfigMap " + cm + " does not exist");
                    continue;
                }
                map.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            }
        }
        for (JsonNode e : iterable(container.path("env"))) {
            JsonNode secretRef = e.path("valueFrom").path("secretKeyRef");
            if (!secretRef.isMissingNode() && !secrets.contains(secretRef.path("name").asText())) {
                problems.add(where + ": " + e.path("name").asText() + " refers to Secret " + secretRef.path("name").asText()
                        + ", which neither the overlay nor the documented external secrets provide");
            }
            env.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : "<secret>");
        }
        return env;
    }

    static List<String> environmentProblems(List<JsonNode> docs, boolean production) {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            JsonNode deployment = ofKind(docs, "Deployment").stream().filter(d -> service.equals(name(d))).findFirst().orElse(null);
            if (deployment == null) {
                problems.add("no Deployment " + service);
                continue;
            }
            JsonNode c = podSpec(deployment).path("containers").path(0);
            String where = "Deployment/" + service;
            Map<String, String> env = environment(docs, c, problems, where);
            boolean workloadIdentity = "default".equals(env.get("AWS_CREDENTIALS_TYPE"));
            for (String var : variablesRead(service)) {
                if (env.containsKey(var)) {
                    continue;
                }
                if (workloadIdentity && STATIC_AWS_KEYS.contains(var)) {
                    continue;
                }
                if (production && var.equals("PAYMENT_SANDBOX_WEBHOOK_SECRET")) {
                    continue; // the sandbox is refused outside dev/test/local (docs/payment.md)
                }
                problems.add(where + ": reads " + var + " but the overlay does not set it");
            }
            for (JsonNode port : iterable(c.path("ports"))) {
                String envName = "http".equals(port.path("name").asText()) ? "HTTP_PORT" : "MANAGEMENT_PORT";
                if (!port.path("containerPort").asText().equals(env.get(envName))) {
                    problems.add(where + ": container port " + port.path("name").asText() + " is not " + envName);
                }
            }
            if (!"0.0.0.0".equals(env.get("MANAGEMENT_HOST")) || !"0.0.0.0".equals(env.get("HTTP_HOST"))) {
                problems.add(where + ": HTTP_HOST and MANAGEMENT_HOST must be 0.0.0.0 in a pod (probes, scrapes)");
            }
        }
        return problems;
    }

    // ------------------------------------------------------------------------------------------ network policies

    /** The label sets of every pod the overlay creates, directly or through an operator's resource. */
    static List<Map<String, String>> podLabels(List<JsonNode> docs) {
        List<Map<String, String>> pods = new ArrayList<>();
        for (JsonNode w : workloads(docs)) {
            pods.add(strings(w.path("spec").path("template").path("metadata").path("labels")));
        }
        // Strimzi: every node of a pool carries the cluster label and its roles (broker-role / controller-role).
        for (JsonNode pool : ofKind(docs, "KafkaNodePool")) {
            Map<String, String> l = new HashMap<>();
            l.put("strimzi.io/cluster", pool.path("metadata").path("labels").path("strimzi.io/cluster").asText());
            l.put("strimzi.io/kind", "Kafka");
            l.put("strimzi.io/pool-name", name(pool));
            for (String role : texts(pool.path("spec").path("roles"))) {
                l.put("strimzi.io/" + role + "-role", "true");
            }
            pods.add(l);
        }
        for (JsonNode k : ofKind(docs, "Kafka")) {
            pods.add(Map.of("strimzi.io/cluster", name(k), "strimzi.io/kind", "Kafka",
                    "strimzi.io/name", name(k) + "-entity-operator"));
        }
        // Keycloak Operator: app=keycloak, app.kubernetes.io/instance=<Keycloak name>.
        for (JsonNode k : ofKind(docs, "Keycloak")) {
            pods.add(Map.of("app", "keycloak", "app.kubernetes.io/instance", name(k),
                    "app.kubernetes.io/managed-by", "keycloak-operator"));
        }
        // CloudNativePG: cnpg.io/cluster=<Cluster name>.
        for (JsonNode c : ofKind(docs, "Cluster")) {
            pods.add(Map.of("cnpg.io/cluster", name(c)));
        }
        return pods;
    }

    static List<String> networkPolicyProblems(List<JsonNode> docs) {
        List<String> problems = new ArrayList<>();
        List<Map<String, String>> pods = podLabels(docs);
        boolean defaultDeny = false;
        Set<Integer> covered = new HashSet<>();
        for (JsonNode np : ofKind(docs, "NetworkPolicy")) {
            JsonNode spec = np.path("spec");
            Map<String, String> own = strings(spec.path("podSelector").path("matchLabels"));
            if (own.isEmpty() && spec.path("podSelector").path("matchExpressions").isMissingNode()) {
                Set<String> types = new HashSet<>(texts(spec.path("policyTypes")));
                if (types.containsAll(Set.of("Ingress", "Egress")) && spec.path("ingress").isMissingNode()
                        && spec.path("egress").isMissingNode()) {
                    defaultDeny = true;
                }
            } else {
                checkSelector(problems, pods, own, "NetworkPolicy/" + name(np) + " podSelector");
                for (int i = 0; i < pods.size(); i++) {
                    if (pods.get(i).entrySet().containsAll(own.entrySet())) {
                        covered.add(i);
                    }
                }
            }
            for (String direction : List.of("ingress", "egress")) {
                for (JsonNode rule : iterable(spec.path(direction))) {
                    for (JsonNode peer : iterable(rule.path(direction.equals("ingress") ? "from" : "to"))) {
                        if (peer.has("podSelector") && !peer.has("namespaceSelector")) {
                            checkSelector(problems, pods, strings(peer.path("podSelector").path("matchLabels")),
                                    "NetworkPolicy/" + name(np) + " " + direction + " peer");
                        }
                    }
                }
            }
        }
        if (!defaultDeny) {
            problems.add("no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)");
        }
        for (int i = 0; i < pods.size(); i++) {
            if (!covered.contains(i)) {
                problems.add("pods " + pods.get(i) + " have no NetworkPolicy of their own beyond the default deny");
            }
        }
        return problems;
    }

    private static void checkSelector(List<String> problems, List<Map<String, String>> pods, Map<String, String> selector,
                                      String where) {
        if (selector.isEmpty()) {
            return;
        }
        boolean matches = pods.stream().anyMatch(p -> p.entrySet().containsAll(selector.entrySet()));
        if (!matches) {
            problems.add(where + " " + selector + " matches no workload of the overlay");
        }
    }

    // ------------------------------------------------------------------------------------------ Kafka ACLs

    /** Topic → operation → the KafkaUsers allowed it. */
    static Map<String, Map<String, Set<String>>> acls(List<JsonNode> docs) {
        Map<String, Map<String, Set<String>>> acls = new HashMap<>();
        for (JsonNode user : ofKind(docs, "KafkaUser")) {
            for (JsonNode acl : iterable(user.path("spec").path("authorization").path("acls"))) {
                JsonNode res = acl.path("resource");
                if (!"topic".equals(res.path("type").asText())) {
                    continue;
                }
                String key = res.path("patternType").asText("literal").equals("literal") ? res.path("name").asText()
                        : res.path("name").asText() + "*";
                for (String op : texts(acl.path("operations"))) {
                    acls.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(op, k -> new TreeSet<>()).add(name(user));
                }
            }
        }
        return acls;
    }

    static List<String> kafkaProblems(List<JsonNode> docs) {
        List<String> problems = new ArrayList<>();
        Set<String> topics = new HashSet<>();
        ofKind(docs, "KafkaTopic").forEach(t -> topics.add(t.path("spec").path("topicName").asText(name(t))));
        Map<String, Map<String, Set<String>>> acls = acls(docs);
        acls.forEach((topic, ops) -> {
            if (topic.endsWith("*") || ops.containsKey("All")) {
                problems.add("ACL on " + topic + " is a prefix or All: " + ops);
            }
            if (!topics.contains(topic)) {
                problems.add("ACL on " + topic + ", which has no KafkaTopic");
            }
        });
        Map<String, Set<String>> onlyWriter = Map.of("payments", Set.of("payment-service"),
                "balances", Set.of("wallet-service"), "usage-rejected", Set.of("wallet-service"),
                "accounts", Set.of("identity-service"), "usage-events", Set.of("relay-service", "media-service"));
        onlyWriter.forEach((topic, writers) -> {
            // ops-replay, the operators' dead-letter replay, may write a record back (opsReplayProblems bounds it).
            Set<String> actual = new TreeSet<>(acls.getOrDefault(topic, Map.of()).getOrDefault("Write", Set.of()));
            actual.remove(OPS_REPLAY);
            if (!actual.equals(writers)) {
                problems.add("topic " + topic + " may be written by " + actual + ", expected exactly " + writers);
            }
        });
        for (JsonNode user : ofKind(docs, "KafkaUser")) {
            if (!SERVICES.contains(name(user)) && !OPS_REPLAY.equals(name(user))) {
                problems.add("KafkaUser " + name(user) + " is neither one of the services nor " + OPS_REPLAY);
            }
        }
        problems.addAll(opsReplayProblems(docs, topics));
        return problems;
    }

    /** The operators' dead-letter replay user (docs/operations.md, "Replay a dead-letter topic"). */
    static final String OPS_REPLAY = "ops-replay";

    /**
     * ops-replay may read the dead-letter topics and write each back to the topic it came from (and use its own
     * consumer group) — nothing else: no other topic, no Alter/Delete, no other group.
     */
    static List<String> opsReplayProblems(List<JsonNode> docs, Set<String> topics) {
        List<String> problems = new ArrayList<>();
        for (JsonNode user : ofKind(docs, "KafkaUser")) {
            if (!OPS_REPLAY.equals(name(user))) {
                continue;
            }
            for (JsonNode acl : iterable(user.path("spec").path("authorization").path("acls"))) {
                JsonNode res = acl.path("resource");
                String name = res.path("name").asText();
                Set<String> ops = new TreeSet<>(texts(acl.path("operations")));
                boolean literal = "literal".equals(res.path("patternType").asText("literal"));
                boolean allowed = literal && switch (res.path("type").asText()) {
                    case "topic" -> name.endsWith(".dead-letter")
                            ? Set.of("Read", "Describe").containsAll(ops)
                            : topics.contains(name + ".dead-letter") && Set.of("Write", "Describe").containsAll(ops);
                    case "group" -> OPS_REPLAY.equals(name) && Set.of("Read", "Describe").containsAll(ops);
                    default -> false;
                };
                if (!allowed) {
                    problems.add("KafkaUser ops-replay may " + ops + " on " + res.path("type").asText() + " " + name
                            + " (only Read dead-letter topics, Write the topic one came from, its own group)");
                }
            }
        }
        return problems;
    }

    /**
     * The consumers that read topics from their beginning (seekToBeginning, or auto.offset.reset=earliest for a new
     * group) and the topics they read so: those must keep every record. {@code replayConsumers} checks that no other
     * source file reads from the beginning, so a new such consumer has to be added here.
     */
    static final Map<String, Set<String>> REPLAYED_FROM_START = Map.of(
            // every start, no group: device lists and balances (DeviceDirectory, BalanceBook)
            "relay-service/src/main/java/net/secureconnect/relay/messaging/RelayStateConsumer.java", Set.of("accounts", "balances"),
            // a new group (WalletEventConsumer.TOPICS) replays the charges, top-ups and account events
            "wallet-service/src/main/java/net/secureconnect/wallet/messaging/KafkaClients.java",
            Set.of("usage-events", "payments", "accounts"),
            // a new group replays account deletions (media to delete)
            "media-service/src/main/java/net/secureconnect/media/messaging/AccountEventsConsumer.java", Set.of("accounts"));

    /** The main source files (services and libs) that read a topic from its beginning. */
    static Set<String> replayConsumers() {
        Set<String> found = new TreeSet<>();
        try (var files = Files.walk(Tools.ROOT)) {
            files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/"))
                    .map(f -> Tools.ROOT.relativize(f).toString())
                    .filter(f -> !f.startsWith("bench/") && !f.startsWith("e2e/") && !f.startsWith("clients/")
                            && !f.contains("/target/"))
                    .forEach(f -> {
                        try {
                            String src = Files.readString(Tools.ROOT.resolve(f));
                            if (src.contains("seekToBeginning(") || src.contains("\"earliest\"")) {
                                found.add(f);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** Every topic a consumer replays from the beginning keeps every record: retention.ms -1, or compaction only. */
    static List<String> retentionProblems(List<JsonNode> docs) {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> topics = new HashMap<>();
        ofKind(docs, "KafkaTopic").forEach(t -> topics.put(t.path("spec").path("topicName").asText(name(t)), t));
        Set<String> replayed = new TreeSet<>();
        REPLAYED_FROM_START.values().forEach(replayed::addAll);
        for (String topic : replayed) {
            JsonNode t = topics.get(topic);
            if (t == null) {
                problems.add("no KafkaTopic " + topic);
                continue;
            }
            JsonNode config = t.path("spec").path("config");
            String policy = config.path("cleanup.policy").asText("delete");
            boolean forever = "compact".equals(policy)
                    || ("delete".equals(policy) && config.path("retention.ms").asLong(0) == -1
                        && config.path("retention.bytes").asLong(-1) == -1);
            if (!forever) {
                problems.add("topic " + topic + " is read from its beginning but does not keep every record (cleanup.policy "
                        + policy + ", retention.ms " + config.path("retention.ms").asText("default: 7 days") + ")");
            }
        }
        return problems;
    }

    // ------------------------------------------------------------------------------------------ dev-only

    /** Nothing of the development overlay in production: dev-only objects or secrets, the sandbox, test realm data. */
    static List<String> devOnlyProblems(List<JsonNode> docs, String renderedText) {
        List<String> problems = new ArrayList<>();
        if (renderedText.toLowerCase().contains("dev-only")) {
            problems.add("the rendering contains the text dev-only");
        }
        for (JsonNode d : docs) {
            if (d.path("metadata").path("labels").has("secureconnect.net/dev-only")) {
                problems.add(d.path("kind").asText() + "/" + name(d) + " is labelled dev-only");
            }
        }
        for (JsonNode w : workloads(docs)) {
            for (JsonNode c : iterable(podSpec(w).path("containers"))) {
                String image = c.path("image").asText();
                if (image.contains("dynoxide") || image.contains("s3proxy")) {
                    problems.add(name(w) + " runs the development image " + image);
                }
                List<String> p = new ArrayList<>();
                Map<String, String> env = environment(docs, c, p, name(w));
                if ("sandbox".equalsIgnoreCase(env.getOrDefault("PAYMENT_GATEWAY", ""))) {
                    problems.add(name(w) + ": PAYMENT_GATEWAY=sandbox");
                }
                if (env.containsKey("PAYMENT_SANDBOX_WEBHOOK_SECRET")) {
                    problems.add(name(w) + ": sets PAYMENT_SANDBOX_WEBHOOK_SECRET");
                }
                String profile = env.getOrDefault("QUARKUS_PROFILE", "prod");
                if (Set.of("dev", "test", "local").stream().anyMatch(profile::contains)) {
                    problems.add(name(w) + ": QUARKUS_PROFILE=" + profile);
                }
                if (env.getOrDefault("OIDC_USER_CLIENTS", "").contains("secureconnect-e2e")) {
                    problems.add(name(w) + ": accepts tokens of the e2e test client");
                }
            }
        }
        for (JsonNode ri : ofKind(docs, "KeycloakRealmImport")) {
            JsonNode realm = ri.path("spec").path("realm");
            if (realm.path("users").size() > 0) {
                problems.add("realm " + realm.path("realm").asText() + " imports users");
            }
            for (JsonNode client : iterable(realm.path("clients"))) {
                if (client.has("secret")) {
                    problems.add("realm client " + client.path("clientId").asText() + " carries a secret");
                }
                if (client.path("clientId").asText().contains("e2e")) {
                    problems.add("realm has the test client " + client.path("clientId").asText());
                }
                for (Map.Entry<String, List<String>> field : clientUrls(client).entrySet()) {
                    for (String uri : field.getValue()) {
                        if (uri.contains("127.0.0.1") || uri.contains("localhost")) {
                            problems.add("realm client " + client.path("clientId").asText() + " " + field.getKey() + " names "
                                    + uri);
                        }
                    }
                }
            }
            if (!"all".equals(realm.path("sslRequired").asText())) {
                problems.add("realm does not require TLS for all requests");
            }
        }
        return problems;
    }

    /** Every URL a realm client lets Keycloak send a browser to or accept requests from, by field. */
    static Map<String, List<String>> clientUrls(JsonNode client) {
        Map<String, List<String>> urls = new LinkedHashMap<>();
        urls.put("redirectUris", texts(client.path("redirectUris")));
        urls.put("webOrigins", texts(client.path("webOrigins")));
        urls.put("rootUrl", client.has("rootUrl") ? List.of(client.path("rootUrl").asText()) : List.of());
        urls.put("baseUrl", client.has("baseUrl") ? List.of(client.path("baseUrl").asText()) : List.of());
        urls.put("adminUrl", client.has("adminUrl") ? List.of(client.path("adminUrl").asText()) : List.of());
        String logout = client.path("attributes").path("post.logout.redirect.uris").asText("");
        urls.put("post.logout.redirect.uris", logout.isEmpty() ? List.of() : List.of(logout.split("##")));
        return urls;
    }

    // ------------------------------------------------------------------------------------------ helpers

    static Iterable<JsonNode> iterable(JsonNode node) {
        if (node == null || !node.isArray()) {
            return List.of();
        }
        return node::elements;
    }

    static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        iterable(node).forEach(n -> out.add(n.asText()));
        return out;
    }

    static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    static List<JsonNode> copy(List<JsonNode> docs) {
        return docs.stream().map(n -> (JsonNode) n.deepCopy()).toList();
    }

    static ObjectNode first(List<JsonNode> docs, String kind, String name) {
        return (ObjectNode) docs.stream().filter(d -> kind.equals(d.path("kind").asText()) && name.equals(name(d)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
    }

    static Set<String> set(String... values) {
        return new LinkedHashSet<>(List.of(values));
    }
}
