package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import net.secureconnect.cli.CliEnvironment;
import net.secureconnect.cli.SecureConnectCli;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.trust.Fingerprint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a compromised identity-service. A test-only interceptor sits in front of the stack's identity-service
 * and, once armed, answers bundle requests for Bob's account with keys of its own ("mallory"), correctly signed by
 * mallory's identity key. Alice's CLI talks to identity-service only through it. Bob writes first, so Alice has
 * pinned his real key; when she answers, her CLI fetches Bob's bundles, gets the substituted key, refuses (exit 6)
 * and says why, and nothing is charged. After she accepts the change with {@code sc trust} the send goes through.
 */
class CompromisedServerIT {

    private static final String ALICE_NAME = E2eConfig.prop("cli.alice-username", "e2e_alice");
    private static final String BOB_NAME = E2eConfig.prop("cli.bob-username", "e2e_bob");

    @TempDir
    static Path home;

    private static final List<String[]> registered = new ArrayList<>(); // {accountId, deviceId, user}
    private static HttpServer interceptor;

    record Result(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return Http.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}"));
            } catch (IOException e) {
                throw new AssertionError(out, e);
            }
        }
    }

    private static Result sc(E2eConfig.TestUser user, URI identity, String totp, String... args) {
        CliEnvironment env = new CliEnvironment(home, URI.create(E2eConfig.issuer()), identity,
                URI.create(SdkDevice.url("relay-service").replaceFirst("^http", "ws") + "/"),
                URI.create(SdkDevice.url("wallet-service") + "/"), URI.create(SdkDevice.url("media-service") + "/"),
                "compromised server e2e passphrase", user.password(), totp);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--profile", "trust-" + user.username()));
        all.addAll(List.of(args));
        int code = SecureConnectCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    private static Result ok(E2eConfig.TestUser user, URI identity, String... args) {
        Result r = sc(user, identity, null, args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + " -> " + r);
        return r;
    }

    @Test
    void aSubstitutedBundleIsRefusedWithTheReasonAndAcceptedOnlyAfterScTrust() throws Exception {
        URI direct = URI.create(SdkDevice.url("identity-service") + "/");
        LocalDevice mallory = LocalDevice.generate();
        AtomicReference<String> swapAccount = new AtomicReference<>();
        AtomicInteger swapped = new AtomicInteger();
        interceptor = startInterceptor(direct, swapAccount, mallory, swapped);
        URI viaInterceptor = URI.create("http://127.0.0.1:" + interceptor.getAddress().getPort() + "/");

        for (E2eConfig.TestUser user : List.of(E2eConfig.ALICE, E2eConfig.BOB)) {
            URI identity = user == E2eConfig.ALICE ? viaInterceptor : direct;
            Result login = sc(user, identity, Keycloak.freshTotp(user), "--json", "login", "-u", user.username());
            if (login.exitCode() != 0) { // that code's time step was used by another test of this JVM
                login = sc(user, identity, Keycloak.freshTotp(user), "--json", "login", "-u", user.username());
            }
            assertEquals(0, login.exitCode(), login.toString());
            JsonNode reg = ok(user, identity, "--json", "register-device", "--claim-username",
                    user == E2eConfig.ALICE ? ALICE_NAME : BOB_NAME).json();
            registered.add(new String[] {reg.path("accountId").asText(), reg.path("deviceId").asText(), user.username()});
        }
        String aliceAccount = registered.get(0)[0];
        String bobAccount = registered.get(1)[0];
        ok(E2eConfig.ALICE, viaInterceptor, "listen", "--for", "3"); // the relay knows alice's device

        // Bob writes first: alice pins his real identity key from his setup message.
        setBalance(bobAccount, 1);
        ok(E2eConfig.BOB, direct, "send", ALICE_NAME, "hello alice, it is bob");
        Result heard = ok(E2eConfig.ALICE, viaInterceptor, "--json", "listen", "--for", "8");
        assertTrue(heard.out().contains("hello alice, it is bob"), heard.toString());

        // The server turns hostile: bob's bundles now carry mallory's keys (valid signatures, wrong identity).
        swapAccount.set(bobAccount);
        setBalance(aliceAccount, 5);
        Result refused = sc(E2eConfig.ALICE, viaInterceptor, null, "send", BOB_NAME, "hi bob");
        assertEquals(6, refused.exitCode(), refused.toString());
        assertTrue(swapped.get() > 0, "the interceptor answered with the substituted bundle");
        String deviceId = registered.get(1)[1];
        assertTrue(refused.err().contains("refused: the identity key of " + BOB_NAME + " device " + deviceId + " changed"),
                refused.err());
        assertTrue(refused.err().contains("now " + Fingerprint.of(mallory.identity().publicKey())), refused.err());
        assertTrue(refused.err().contains("sc trust " + BOB_NAME), refused.err());
        assertEquals(5, walletBalance(aliceAccount), "nothing sent, nothing charged");

        // The safety number is over the pinned (real) key and fetches nothing.
        int before = swapped.get();
        JsonNode number = ok(E2eConfig.ALICE, viaInterceptor, "--json", "safety-number", BOB_NAME).json();
        assertTrue(number.path("devices").toString().contains("\"pendingChange\":true"), number.toString());
        assertEquals(before, swapped.get(), "safety-number fetched no bundle");

        // The user accepts the change (sc trust): the send goes through, to the key the user accepted.
        JsonNode trusted = ok(E2eConfig.ALICE, viaInterceptor, "--json", "trust", BOB_NAME).json();
        assertEquals("[" + deviceId + "]", trusted.path("accepted").toString(), trusted.toString());
        Result sent = sc(E2eConfig.ALICE, viaInterceptor, null, "--json", "send", BOB_NAME, "hi bob, after trust");
        assertEquals(0, sent.exitCode(), sent.toString());
        // Bob's real device cannot read what was encrypted to mallory's key, and says so instead of dropping it.
        Result bobListens = ok(E2eConfig.BOB, direct, "--json", "listen", "--for", "8");
        assertTrue(bobListens.out().contains("\"event\":\"undecryptable\""), bobListens.toString());
    }

    /** Forwards every request to identity-service; bundle answers for the armed account get mallory's keys. */
    private static HttpServer startInterceptor(URI target, AtomicReference<String> swapAccount, LocalDevice mallory,
                                               AtomicInteger swapped) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try {
                forward(exchange, http, target, swapAccount.get(), mallory, swapped);
            } catch (Exception e) {
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return server;
    }

    private static void forward(HttpExchange exchange, HttpClient http, URI target, String swapAccount, LocalDevice mallory,
                                AtomicInteger swapped) throws Exception {
        String pathAndQuery = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(pathAndQuery.substring(1)))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : List.of("Authorization", "Content-Type", "Accept")) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                request.header(header, value);
            }
        }
        HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        byte[] out = answer.body();
        if (swapAccount != null && answer.statusCode() == 200 && "GET".equals(exchange.getRequestMethod())
                && exchange.getRequestURI().getPath().startsWith("/v1/bundles/" + swapAccount)) {
            ObjectNode bundle = (ObjectNode) Http.JSON.readTree(out);
            for (JsonNode device : (ArrayNode) bundle.path("devices")) {
                substitute((ObjectNode) device, mallory);
            }
            out = Http.JSON.writeValueAsBytes(bundle);
            swapped.incrementAndGet();
        }
        exchange.getResponseHeaders().add("Content-Type",
                answer.headers().firstValue("Content-Type").orElse("application/json"));
        exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(out);
            }
        }
    }

    /** Mallory's keys in the device entry, each correctly signed by mallory's identity key. */
    private static void substitute(ObjectNode device, LocalDevice mallory) {
        Map<String, Object> keys = mallory.registrationBody();
        device.put("identityKey", (String) keys.get("identityKey"));
        device.put("agreementKey", (String) keys.get("agreementKey"));
        device.put("agreementKeySignature", (String) keys.get("agreementKeySignature"));
        device.set("signedPrekey", Http.JSON.valueToTree(keys.get("signedPrekey")));
        ObjectNode kem = Http.JSON.valueToTree(keys.get("kemLastResortPrekey"));
        kem.put("lastResort", true);
        device.set("kemPrekey", kem);
        device.remove("oneTimePrekey");
        assertTrue(Bytes.base64((String) keys.get("identityKey"), 32).length == 32);
    }

    @AfterAll
    static void removeTheDevicesAndStop() throws Exception {
        if (interceptor != null) {
            interceptor.stop(0);
        }
        HttpClient http = HttpClient.newHttpClient();
        for (String[] r : registered) {
            E2eConfig.TestUser user = r[2].equals(E2eConfig.ALICE.username()) ? E2eConfig.ALICE : E2eConfig.BOB;
            http.send(HttpRequest.newBuilder(URI.create(SdkDevice.url("identity-service") + "/v1/accounts/" + r[0]
                            + "/devices/" + r[1])).header("Authorization", "Bearer " + Keycloak.accessToken(user)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    private static long walletBalance(String account) {
        return Http.json(Http.get(SdkDevice.url("wallet-service") + "/wallets/" + account,
                Keycloak.accessToken(E2eConfig.ADMIN))).path("balance").asLong();
    }

    private static void setBalance(String account, long target) {
        long current = walletBalance(account);
        if (current != target) {
            HttpResponse<String> response = Http.postJson(SdkDevice.url("wallet-service") + "/admin/wallets/" + account
                            + "/adjustments", Map.of("Authorization", "Bearer " + Keycloak.accessToken(E2eConfig.ADMIN),
                            "Content-Type", "application/json", "Idempotency-Key", UUID.randomUUID().toString()),
                    "{\"credits\":" + (target - current) + ",\"reason\":\"e2e CompromisedServerIT\"}");
            assertEquals(201, response.statusCode(), response.body());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (walletBalance(account) != target && System.nanoTime() < deadline) {
            SdkDevice.sleep(200);
        }
        assertEquals(target, walletBalance(account));
    }
}
