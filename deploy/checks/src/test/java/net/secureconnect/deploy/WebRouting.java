package net.secureconnect.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the web client reaches the services in an image deployment (docs/deploy.md, "Web client"): the app calls
 * {@code /api/<service>/…} on its own origin and loads {@code /config.json} (clients/web/src/config.ts); the image's
 * nginx (deploy/web/nginx.conf) serves both, from a ConfigMap (Kubernetes) or a mounted folder (compose).
 */
final class WebRouting {

    /** Where nginx reads config.json and origins.conf (deploy/web/nginx.conf). */
    static final String CONFIG_DIR = "/etc/secureconnect/web";
    static final String APP_HOST = "app.secureconnect.example";

    record Upstream(String host, int port) {
    }

    private WebRouting() {
    }

    static String nginxConf() {
        return read("deploy/web/nginx.conf");
    }

    static String read(String path) {
        try {
            return Files.readString(Tools.ROOT.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The app's API prefixes, from clients/web/src/config.ts: key → "/api/key". */
    static Map<String, String> appApis() {
        String ts = read("clients/web/src/config.ts");
        int start = ts.indexOf("export const API = {");
        int end = ts.indexOf("}", start);
        Map<String, String> apis = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+): '(/api/[\\w-]+)'").matcher(ts.substring(start, end));
        while (m.find()) {
            apis.put(m.group(1), m.group(2));
        }
        return apis;
    }

    /** The nginx routes of conf: API prefix ("/api/wallet") → the upstream server it forwards to, prefix stripped. */
    static Map<String, Upstream> nginxRoutes(String conf, List<String> problems) {
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        Matcher u = Pattern.compile("upstream ([\\w-]+)\\s*\\{\\s*server ([\\w.-]+):(\\d+);").matcher(conf);
        while (u.find()) {
            upstreams.put(u.group(1), new Upstream(u.group(2), Integer.parseInt(u.group(3))));
        }
        Map<String, Upstream> routes = new LinkedHashMap<>();
        Matcher l = Pattern.compile("location (/api/[\\w-]+)/\\s+\\{\\s*proxy_pass http://([\\w-]+)(/?);").matcher(conf);
        while (l.find()) {
            if (!"/".equals(l.group(3))) {
                problems.add("nginx: " + l.group(1) + "/ does not strip its prefix (proxy_pass needs the trailing /)");
            }
            Upstream up = upstreams.get(l.group(2));
            if (up == null) {
                problems.add("nginx: " + l.group(1) + "/ forwards to " + l.group(2) + ", which is no upstream");
            } else {
                routes.put(l.group(1), up);
            }
        }
        return routes;
    }

    /** The body of the nginx location block for prefix (e.g. "/api/relay/"), or "". */
    static String location(String conf, String prefix) {
        int at = conf.indexOf("location " + prefix + " {");
        return at < 0 ? "" : conf.substring(at, conf.indexOf('}', at));
    }

    /** nginx.conf forwards every API of the app, the relay's with the WebSocket upgrade and long timeouts. */
    static List<String> nginxProblems(String conf) {
        List<String> problems = new ArrayList<>();
        Map<String, Upstream> routes = nginxRoutes(conf, problems);
        for (Map.Entry<String, String> api : appApis().entrySet()) {
            Upstream up = routes.get(api.getValue());
            if (up == null) {
                problems.add("nginx does not forward " + api.getValue() + "/ (clients/web/src/config.ts calls it)");
            } else if (!up.host().equals(api.getKey() + "-service")) {
                problems.add("nginx forwards " + api.getValue() + "/ to " + up.host() + ", not " + api.getKey() + "-service");
            }
        }
        String relay = location(conf, "/api/relay/");
        Matcher timeout = Pattern.compile("proxy_read_timeout (\\d+)s;").matcher(relay);
        if (!timeout.find() || Integer.parseInt(timeout.group(1)) < 3600) {
            problems.add("nginx: the relay's WebSocket needs proxy_read_timeout >= 3600s");
        }
        if (!conf.contains("proxy_set_header Upgrade $http_upgrade;") || !conf.contains("proxy_http_version 1.1;")
                || relay.contains("proxy_set_header")) {
            problems.add("nginx: the relay's WebSocket needs HTTP/1.1 and the Upgrade/Connection headers"
                    + " (and no proxy_set_header in its location, which would drop the server's)");
        }
        if (!conf.contains("location = /config.json { alias " + CONFIG_DIR + "/config.json;")) {
            problems.add("nginx does not serve /config.json from " + CONFIG_DIR + "/config.json");
        }
        return problems;
    }

    /**
     * A rendered overlay: the app host goes to Service web; every API of nginx.conf reaches a Service of that name and
     * port whose pods are the service; the NetworkPolicies let web reach it; web mounts a ConfigMap with config.json
     * (issuer = the public issuer the services accept, client = a public client of the realm) and origins.conf.
     */
    static List<String> kubernetesProblems(List<JsonNode> docs, String conf) {
        List<String> problems = new ArrayList<>();
        JsonNode appIngress = null;
        for (JsonNode ing : Manifests.ofKind(docs, "Ingress")) {
            for (JsonNode rule : Manifests.iterable(ing.path("spec").path("rules"))) {
                if (!APP_HOST.equals(rule.path("host").asText())) {
                    continue;
                }
                appIngress = ing;
                for (JsonNode path : Manifests.iterable(rule.path("http").path("paths"))) {
                    JsonNode svc = path.path("backend").path("service");
                    if (!"web".equals(svc.path("name").asText()) || svc.path("port").path("number").asInt() != 8080) {
                        problems.add("Ingress " + Manifests.name(ing) + " sends " + APP_HOST + path.path("path").asText()
                                + " to " + svc + ", not web:8080 (whose nginx forwards /api/)");
                    }
                }
            }
        }
        if (appIngress == null) {
            problems.add("no Ingress rule for " + APP_HOST);
        } else if (appIngress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/proxy-read-timeout")
                .asInt() < 3600) {
            problems.add("Ingress " + Manifests.name(appIngress) + " carries the relay's WebSocket: proxy-read-timeout < 3600");
        }

        Map<String, Upstream> routes = nginxRoutes(conf, problems);
        JsonNode webPolicy = docs.stream().filter(d -> "NetworkPolicy".equals(d.path("kind").asText())
                && "web".equals(Manifests.name(d))).findFirst().orElse(null);
        routes.forEach((prefix, up) -> {
            JsonNode service = docs.stream().filter(d -> "Service".equals(d.path("kind").asText())
                    && up.host().equals(Manifests.name(d))).findFirst().orElse(null);
            if (service == null) {
                problems.add(prefix + "/: nginx forwards to " + up.host() + ", which is no Service of the overlay");
                return;
            }
            boolean port = false;
            for (JsonNode p : Manifests.iterable(service.path("spec").path("ports"))) {
                port |= p.path("port").asInt() == up.port() && "http".equals(p.path("targetPort").asText());
            }
            if (!port) {
                problems.add(prefix + "/: Service " + up.host() + " has no port " + up.port() + " to the public port (http)");
            }
            String app = service.path("spec").path("selector").path("app.kubernetes.io/name").asText();
            int target = containerPort(docs, app, "http");
            if (!allows(webPolicy, "egress", "to", app, target)) {
                problems.add(prefix + "/: NetworkPolicy web does not allow egress to " + app + ":" + target);
            }
            JsonNode own = docs.stream().filter(d -> "NetworkPolicy".equals(d.path("kind").asText())
                    && app.equals(Manifests.name(d))).findFirst().orElse(null);
            if (!allows(own, "ingress", "from", "web", target)) {
                problems.add(prefix + "/: NetworkPolicy " + app + " does not allow ingress from web on " + target);
            }
        });

        JsonNode web = Manifests.first(docs, "Deployment", "web");
        String configMap = null;
        for (JsonNode mount : Manifests.iterable(Manifests.podSpec(web).path("containers").path(0).path("volumeMounts"))) {
            if (CONFIG_DIR.equals(mount.path("mountPath").asText())) {
                for (JsonNode v : Manifests.iterable(Manifests.podSpec(web).path("volumes"))) {
                    if (v.path("name").asText().equals(mount.path("name").asText())) {
                        configMap = v.path("configMap").path("name").asText(null);
                    }
                }
            }
        }
        if (configMap == null) {
            problems.add("Deployment web mounts no ConfigMap at " + CONFIG_DIR + " (nginx: config.json, origins.conf)");
            return problems;
        }
        String cmName = configMap;
        JsonNode data = docs.stream().filter(d -> "ConfigMap".equals(d.path("kind").asText()) && cmName.equals(Manifests.name(d)))
                .findFirst().map(d -> d.path("data")).orElse(null);
        String issuer = Manifests.first(docs, "ConfigMap", "secureconnect-common").path("data").path("QUARKUS_OIDC_TOKEN_ISSUER").asText();
        problems.addAll(configProblems("ConfigMap " + cmName, data == null ? null : data.path("config.json").asText(null),
                data == null ? null : data.path("origins.conf").asText(null), issuer, publicClients(docs)));
        return problems;
    }

    static List<String> publicClients(List<JsonNode> docs) {
        List<String> clients = new ArrayList<>();
        for (JsonNode c : Manifests.iterable(Manifests.first(docs, "KeycloakRealmImport", "secureconnect").path("spec")
                .path("realm").path("clients"))) {
            if (c.path("publicClient").asBoolean(false)) {
                clients.add(c.path("clientId").asText());
            }
        }
        return clients;
    }

    /** config.json names the issuer the services accept and a public client of the realm; origins.conf allows it. */
    static List<String> configProblems(String where, String configJson, String originsConf, String issuer,
                                       List<String> publicClients) {
        List<String> problems = new ArrayList<>();
        if (configJson == null || originsConf == null) {
            problems.add(where + " lacks config.json or origins.conf");
            return problems;
        }
        try {
            JsonNode c = Manifests.YAML.readTree(configJson);
            if (!issuer.equals(c.path("issuer").asText())) {
                problems.add(where + ": config.json issuer " + c.path("issuer") + " is not the services' issuer " + issuer);
            }
            if (!publicClients.contains(c.path("clientId").asText())) {
                problems.add(where + ": config.json clientId " + c.path("clientId") + " is not a public client " + publicClients);
            }
        } catch (IOException e) {
            problems.add(where + ": config.json is not JSON: " + e.getMessage());
        }
        String origin = java.net.URI.create(issuer).resolve("/").toString().replaceAll("/$", "");
        if (!originsConf.contains("set $sc_issuer_origin \"" + origin + "\";")) {
            problems.add(where + ": origins.conf does not set $sc_issuer_origin to " + origin);
        }
        if (!originsConf.contains("set $sc_object_store_origin ")) {
            problems.add(where + ": origins.conf does not set $sc_object_store_origin");
        }
        return problems;
    }

    static int containerPort(List<JsonNode> docs, String deployment, String name) {
        for (JsonNode p : Manifests.iterable(Manifests.podSpec(Manifests.first(docs, "Deployment", deployment))
                .path("containers").path(0).path("ports"))) {
            if (name.equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        return -1;
    }

    /** The policy has a rule in direction whose peer selects pods app.kubernetes.io/name=app, on port. */
    static boolean allows(JsonNode policy, String direction, String peers, String app, int port) {
        if (policy == null) {
            return false;
        }
        for (JsonNode rule : Manifests.iterable(policy.path("spec").path(direction))) {
            boolean peer = false;
            for (JsonNode p : Manifests.iterable(rule.path(peers))) {
                peer |= !p.has("namespaceSelector")
                        && app.equals(p.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText());
            }
            boolean onPort = false;
            for (JsonNode p : Manifests.iterable(rule.path("ports"))) {
                onPort |= p.path("port").asInt() == port;
            }
            if (peer && onPort) {
                return true;
            }
        }
        return false;
    }
}
