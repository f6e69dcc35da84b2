package net.secureconnect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web client can start from its image: /config.json and /api/&lt;service&gt;/ on its own origin, in Kubernetes,
 * in compose and in the real nginx with deploy/web/nginx.conf (docs/deploy.md, "Web client").
 */
class WebDeployTest {

    private static final Map<String, List<JsonNode>> DOCS = new HashMap<>();

    @BeforeAll
    static void render() {
        for (String overlay : List.of("dev", "production")) {
            DOCS.put(overlay, Manifests.render(overlay));
        }
    }

    @Test
    void nginxForwardsEveryApiTheAppCalls() {
        assertEquals(5, WebRouting.appApis().size(), "clients/web/src/config.ts API table: " + WebRouting.appApis());
        assertEquals(List.of(), WebRouting.nginxProblems(WebRouting.nginxConf()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "production"})
    void theAppHostReachesEveryServiceAndItsConfig(String overlay) {
        assertEquals(List.of(), WebRouting.kubernetesProblems(DOCS.get(overlay), WebRouting.nginxConf()));
    }

    @Test
    void composeGivesTheWebImageItsConfigAndTheServices() throws Exception {
        String tool = Tools.require("docker-compose", "docker-compose");
        JsonNode compose = Manifests.parseAll(Tools.runOk(Tools.ROOT, List.of(tool, "-f", "docker-compose.yml", "config"))).get(0);
        JsonNode services = compose.path("services");
        JsonNode web = services.path("web");
        String source = null;
        for (JsonNode v : Manifests.iterable(web.path("volumes"))) {
            // docker-compose 1.x prints short syntax ("host:container:ro"), 2.x long syntax.
            String[] parts = v.isTextual() ? v.asText().split(":") : new String[] {v.path("source").asText(), v.path("target").asText()};
            if (parts.length >= 2 && WebRouting.CONFIG_DIR.equals(parts[1])) {
                source = parts[0];
            }
        }
        assertTrue(source != null, "compose web mounts nothing at " + WebRouting.CONFIG_DIR);
        Path dir = Path.of(source);
        List<String> clients = new ArrayList<>();
        for (JsonNode c : Manifests.iterable(Manifests.YAML.readTree(Tools.ROOT.resolve("deploy/keycloak/secureconnect-realm.json")
                .toFile()).path("clients"))) {
            if (c.path("publicClient").asBoolean(false)) {
                clients.add(c.path("clientId").asText());
            }
        }
        List<String> problems = new ArrayList<>(WebRouting.configProblems("compose " + source,
                Files.readString(dir.resolve("config.json")), Files.readString(dir.resolve("origins.conf")),
                services.path("identity-service").path("environment").path("OIDC_AUTH_SERVER_URL").asText(), clients));
        WebRouting.nginxRoutes(WebRouting.nginxConf(), problems).forEach((prefix, up) -> {
            JsonNode service = services.path(up.host());
            if (!String.valueOf(up.port()).equals(service.path("environment").path("HTTP_PORT").asText())) {
                problems.add(prefix + "/: compose service " + up.host() + " does not listen on " + up.port());
            }
            if (!web.path("depends_on").has(up.host())) {
                problems.add("compose web does not wait for " + up.host() + " (nginx resolves it at start)");
            }
        });
        assertEquals(List.of(), problems);
    }

    /** Each rule above must be able to fail. */
    @Test
    void theChecksReportABrokenWebDeployment() {
        String conf = WebRouting.nginxConf();
        List<String> nginx = WebRouting.nginxProblems(conf
                .replace("location /api/wallet/   { proxy_pass http://wallet-service/; }", "")
                .replace("proxy_read_timeout 3600s;", "proxy_read_timeout 60s;")
                .replace("location /api/media/    { proxy_pass http://media-service/; }",
                        "location /api/media/    { proxy_pass http://media-service; }"));
        assertTrue(nginx.stream().anyMatch(p -> p.contains("/api/wallet/")), nginx.toString());
        assertTrue(nginx.stream().anyMatch(p -> p.contains("proxy_read_timeout")), nginx.toString());
        assertTrue(nginx.stream().anyMatch(p -> p.contains("/api/media/ does not strip")), nginx.toString());

        List<JsonNode> docs = Manifests.copy(DOCS.get("production"));
        ObjectNode policy = Manifests.first(docs, "NetworkPolicy", "web");
        ((ArrayNode) policy.path("spec").path("egress")).remove(2); // wallet-service
        ObjectNode relayPolicy = Manifests.first(docs, "NetworkPolicy", "relay-service");
        ((ArrayNode) relayPolicy.path("spec").path("ingress").path(0).path("from")).remove(1);
        ObjectNode cm = Manifests.first(docs, "ConfigMap", "web");
        ((ObjectNode) cm.path("data")).put("config.json", "{\"issuer\": \"http://127.0.0.1:8180/realms/secureconnect\", \"clientId\": \"secureconnect-web\"}");
        ObjectNode ingress = Manifests.first(docs, "Ingress", "web");
        ((ObjectNode) ingress.path("spec").path("rules").path(0).path("http").path("paths").path(0).path("backend").path("service"))
                .put("name", "identity-service");
        List<String> k8s = WebRouting.kubernetesProblems(docs, conf);
        assertTrue(k8s.stream().anyMatch(p -> p.contains("web does not allow egress to wallet-service:8083")), k8s.toString());
        assertTrue(k8s.stream().anyMatch(p -> p.contains("relay-service does not allow ingress from web")), k8s.toString());
        assertTrue(k8s.stream().anyMatch(p -> p.contains("is not the services' issuer")), k8s.toString());
        assertTrue(k8s.stream().anyMatch(p -> p.contains("not web:8080")), k8s.toString());

        List<JsonNode> noConfig = Manifests.copy(DOCS.get("production"));
        ((ObjectNode) Manifests.podSpec(Manifests.first(noConfig, "Deployment", "web")).path("containers").path(0))
                .remove("volumeMounts");
        List<String> missing = WebRouting.kubernetesProblems(noConfig, conf);
        assertTrue(missing.stream().anyMatch(p -> p.contains("mounts no ConfigMap")), missing.toString());
    }

    /**
     * Debian's nginx runs deploy/web/nginx.conf as it is, except for addresses and paths (listen on a free loopback
     * port, upstream servers on loopback, files in a temporary folder): /config.json is the production ConfigMap's,
     * each /api/&lt;service&gt;/ reaches its upstream with the prefix stripped and without the browser's Origin, the relay's
     * WebSocket upgrade goes through, unknown APIs are 404, app routes get index.html, the CSP is the app's.
     */
    @Test
    void theRealNginxServesConfigAndForwardsTheApis(@TempDir Path dir) throws Exception {
        String nginx = Tools.require("nginx", "nginx");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // workers run as nobody
        Path html = Files.createDirectories(dir.resolve("html"));
        Path web = Files.createDirectories(dir.resolve("web"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(html.resolve("index.html"), "<!doctype html><title>SecureConnect</title>");
        JsonNode cm = Manifests.first(DOCS.get("production"), "ConfigMap", "web").path("data");
        Files.writeString(web.resolve("config.json"), cm.path("config.json").asText());
        Files.writeString(web.resolve("origins.conf"), cm.path("origins.conf").asText());

        List<Upstream> upstreams = new ArrayList<>();
        String conf = WebRouting.nginxConf();
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        conf = conf.replace("/tmp/", tmp + "/").replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
                .replace("root /usr/share/nginx/html;", "root " + html + ";")
                .replace(WebRouting.CONFIG_DIR + "/", web + "/");
        for (WebRouting.Upstream up : WebRouting.nginxRoutes(WebRouting.nginxConf(), new ArrayList<>()).values()) {
            Upstream u = new Upstream(up.host());
            upstreams.add(u);
            conf = conf.replace("server " + up.host() + ":" + up.port() + ";", "server 127.0.0.1:" + u.port() + ";");
        }
        assertEquals(5, upstreams.size());
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Path log = dir.resolve("nginx.log");
        Process p = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", confFile.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + port;
            awaitListening(port, p, log);

            HttpResponse<String> config = http.send(HttpRequest.newBuilder(URI.create(base + "/config.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, config.statusCode());
            assertEquals(Manifests.YAML.readTree(cm.path("config.json").asText()), Manifests.YAML.readTree(config.body()));
            assertTrue(config.headers().firstValue("content-type").orElse("").startsWith("application/json"), config.headers().toString());
            String csp = config.headers().firstValue("content-security-policy").orElse("");
            assertTrue(csp.contains("'wasm-unsafe-eval'") && csp.contains("connect-src 'self' https://auth.secureconnect.example"
                    + " https://s3.eu-central-1.amazonaws.com;"), csp);

            for (Upstream u : upstreams) {
                String prefix = "/api/" + u.name.replace("-service", "");
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + prefix + "/v1/session?x=1"))
                        .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), prefix);
                assertEquals(u.name + " GET /v1/session?x=1 origin=none", r.body());
            }

            Upstream relay = upstreams.stream().filter(u -> u.name.equals("relay-service")).findFirst().orElseThrow();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("GET /api/relay/v1/relay HTTP/1.1\r\nHost: app.secureconnect.example\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readHead(s.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 101"), head);
                out.write("frame".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("frame", new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
            }
            assertTrue(relay.seen.contains("GET /v1/relay upgrade=websocket"), relay.seen.toString());

            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + "/api/nope/v1/x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, unknown.statusCode());
            HttpResponse<String> route = http.send(HttpRequest.newBuilder(URI.create(base + "/conversations/42")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, route.statusCode());
            assertTrue(route.body().contains("<title>SecureConnect</title>"));
        } finally {
            p.destroy();
            p.waitFor();
            upstreams.forEach(Upstream::close);
        }
    }

    private static void awaitListening(int port, Process p, Path log) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!p.isAlive()) {
                throw new AssertionError("nginx exited " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nginx does not listen on " + port + ":\n" + Files.readString(log));
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Stands in for a service's public port, to see what nginx forwards: answers "name METHOD target origin=…", and
     * for a WebSocket upgrade answers 101 and echoes the bytes.
     */
    static final class Upstream implements AutoCloseable {
        final String name;
        final ServerSocket server;
        final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

        Upstream(String name) throws IOException {
            this.name = name;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head.isEmpty()) {
                        return;
                    }
                    String[] lines = head.split("\r\n");
                    String[] request = lines[0].split(" ");
                    Map<String, String> headers = new HashMap<>();
                    Stream.of(lines).skip(1).filter(l -> l.contains(":")).forEach(l -> headers.put(
                            l.substring(0, l.indexOf(':')).strip().toLowerCase(), l.substring(l.indexOf(':') + 1).strip()));
                    String upgrade = headers.get("upgrade");
                    seen.add(request[0] + " " + request[1] + (upgrade == null ? "" : " upgrade=" + upgrade));
                    if ("websocket".equalsIgnoreCase(upgrade)) {
                        out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        in.transferTo(out);
                        return;
                    }
                    byte[] body = (name + " " + request[0] + " " + request[1] + " origin="
                            + headers.getOrDefault("origin", "none")).getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                }
            } catch (IOException gone) {
                // nginx closed the connection
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
