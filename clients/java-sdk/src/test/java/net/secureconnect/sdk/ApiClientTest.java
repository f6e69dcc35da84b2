package net.secureconnect.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import net.secureconnect.sdk.api.ApiException;
import net.secureconnect.sdk.api.IdentityClient;
import net.secureconnect.sdk.api.OidcClient;
import net.secureconnect.sdk.api.Problems;
import net.secureconnect.sdk.api.WalletClient;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.keys.InvalidSignatureException;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.keys.SignedMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API clients against a scripted in-process HTTP server on 127.0.0.1 (no real service needed). */
class ApiClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private URI base;
    private final Map<String, Function<Request, Answer>> routes = new ConcurrentHashMap<>();
    private final List<Request> received = new ArrayList<>();

    record Request(String method, String path, String query, Map<String, String> headers, String body) {
    }

    record Answer(int status, String contentType, String body, Map<String, String> headers) {
        static Answer json(int status, String body) {
            return new Answer(status, "application/json", body, Map.of());
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), headers,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        synchronized (received) {
            received.add(request);
        }
        Function<Request, Answer> route = routes.get(request.method() + " " + request.path());
        Answer answer = route == null ? new Answer(404, "application/problem+json", "{\"code\":\"NO_ROUTE\"}", Map.of())
                : route.apply(request);
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        answer.headers().forEach(exchange.getResponseHeaders()::add);
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Test
    void passwordAndTotpLogin() {
        routes.put("POST /realms/secureconnect/protocol/openid-connect/token", r -> {
            Map<String, String> form = form(r.body());
            if (form.get("password").equals("pw") && "123456".equals(form.get("totp"))
                    && form.get("client_id").equals("secureconnect-cli") && form.get("grant_type").equals("password")) {
                return Answer.json(200, "{\"access_token\":\"at\",\"refresh_token\":\"rt\",\"expires_in\":300}");
            }
            return Answer.json(401, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid user credentials\"}");
        });
        OidcClient oidc = new OidcClient(base.resolve("realms/secureconnect"));
        OidcClient.Tokens tokens = oidc.login("alice", "pw", "123456");
        assertEquals("at", tokens.accessToken());
        assertEquals("rt", tokens.refreshToken());
        ApiException refused = assertThrows(ApiException.NotAuthenticated.class, () -> oidc.login("alice", "pw", "000000"));
        assertEquals("invalid_grant", refused.code());
        assertTrue(refused.getMessage().contains("Invalid user credentials"));
        assertEquals("application/x-www-form-urlencoded", received.get(0).headers().get("content-type"));
    }

    @Test
    void registrationUploadsVerifiableKeysAndRefillHappensOnlyWhenLow() {
        LocalDevice device = LocalDevice.generate();
        Map<String, JsonNode> uploads = new ConcurrentHashMap<>();
        routes.put("GET /v1/accounts/me", r -> Answer.json(200, "{\"accountId\":\"acc-1\",\"devices\":[],\"createdAt\":\"2026-01-01T00:00:00Z\"}"));
        routes.put("POST /v1/accounts/acc-1/devices", r -> {
            JsonNode body = read(r.body());
            byte[] ik = Bytes.base64(body.get("identityKey").asText(), 32);
            boolean ok = Sodium.verify(ik, SignedMessages.agreementKey(Bytes.base64(body.get("agreementKey").asText(), 32)),
                    Bytes.base64(body.get("agreementKeySignature").asText(), 64));
            return ok && r.headers().containsKey("content-length")
                    ? Answer.json(201, "{\"deviceId\":4,\"devices\":[4]}")
                    : Answer.json(422, "{\"code\":\"INVALID_SIGNATURE\"}");
        });
        int[] left = {5, 50, 1};
        routes.put("GET /v1/accounts/acc-1/devices/4/keys", r -> Answer.json(200,
                "{\"oneTimePrekeys\":" + left[0] + ",\"kemOneTimePrekeys\":" + left[1] + ",\"signedPrekeyId\":" + left[2]
                        + ",\"kemLastResortPrekeyId\":1}"));
        routes.put("PUT /v1/accounts/acc-1/devices/4/keys", r -> {
            uploads.put("last", read(r.body()));
            return new Answer(204, "application/json", "", Map.of());
        });

        IdentityClient identity = new IdentityClient(HttpClient.newHttpClient(), base, () -> "token");
        device.generateKemOneTimePrekeys(50); // the 50 the server holds
        String accountId = identity.me().accountId();
        assertEquals(4, identity.registerDevice(accountId, device));
        assertEquals(Optional.of(4), device.deviceId());
        assertEquals(new IdentityClient.Refill(100, 0), identity.refillPrekeysIfLow(accountId, 4, device));
        assertEquals(100, uploads.get("last").get("oneTimePrekeys").size());
        assertTrue(uploads.get("last").path("kemOneTimePrekeys").isMissingNode());
        assertEquals(100, device.oneTimePrekeys().size());
        left[0] = 60;
        left[1] = 3;
        assertEquals(new IdentityClient.Refill(0, 100), identity.refillPrekeysIfLow(accountId, 4, device));
        assertEquals(100, uploads.get("last").get("kemOneTimePrekeys").size());
        assertTrue(uploads.get("last").path("oneTimePrekeys").isMissingNode());
        assertTrue(device.oneTimePrekeyReplacedAt(1).isEmpty(), "the X25519 set was not replaced");
        // The server holds more one-time keys than this device has private keys for (a profile rolled back, §8):
        // a new set replaces them, and the earlier local ones become stale (deleted after the grace period, §2).
        left[0] = 500;
        left[1] = 100;
        assertEquals(new IdentityClient.Refill(100, 0), identity.refillPrekeysIfLow(accountId, 4, device));
        assertTrue(device.oneTimePrekeyReplacedAt(1).isPresent());
        assertTrue(device.oneTimePrekeyReplacedAt(101).isEmpty(), "the uploaded set is current");
        left[0] = 60;
        assertTrue(uploads.get("last").toString().length() < 512 * 1024, "under identity-service's body limit");
        left[1] = 100;
        uploads.clear();
        assertEquals(new IdentityClient.Refill(0, 0), identity.refillPrekeysIfLow(accountId, 4, device));
        assertTrue(uploads.isEmpty());
        // The server holds another signed prekey than the current one (a rotation whose upload failed): published.
        left[2] = 7;
        assertEquals(new IdentityClient.Refill(0, 0, true), identity.refillPrekeysIfLow(accountId, 4, device));
        assertEquals(1, uploads.get("last").path("signedPrekey").path("keyId").asInt());
        assertEquals(1, uploads.get("last").path("kemLastResortPrekey").path("keyId").asInt());
        assertEquals("Bearer token", received.get(0).headers().get("authorization"));
    }

    @Test
    void bundlesAreVerifiedAndRefusalsAreTyped() throws Exception {
        LocalDevice bob = LocalDevice.generate();
        Map<String, Object> reg = bob.registrationBody();
        String device = "{\"deviceId\":1,\"registrationId\":7,\"identityKey\":\"" + reg.get("identityKey")
                + "\",\"agreementKey\":\"" + reg.get("agreementKey") + "\",\"agreementKeySignature\":\"%s\",\"signedPrekey\":"
                + JSON.writeValueAsString(reg.get("signedPrekey")) + "}";
        routes.put("GET /v1/bundles/bob", r -> Answer.json(200, "{\"accountId\":\"bob\",\"devices\":["
                + device.formatted(reg.get("agreementKeySignature")) + "]}"));
        routes.put("GET /v1/bundles/mallory", r -> Answer.json(200, "{\"accountId\":\"mallory\",\"devices\":["
                + device.formatted(Bytes.base64(new byte[64])) + "]}"));
        routes.put("GET /v1/usernames/carol", r -> new Answer(404, "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"code\":\"USERNAME_NOT_FOUND\"}", Map.of()));
        routes.put("GET /v1/usernames/busy", r -> new Answer(429, "application/problem+json",
                "{\"code\":\"RATE_LIMITED\"}", Map.of("Retry-After", "17")));
        routes.put("GET /wallet", r -> Answer.json(200, "{\"accountId\":\"a\",\"balance\":42,\"version\":3,\"status\":\"ACTIVE\"}"));
        routes.put("GET /wallet/ledger", r -> Answer.json(200, "{\"entries\":[{\"entryId\":\"e1\",\"amount\":-1}],\"nextBefore\":2}"));

        IdentityClient identity = new IdentityClient(HttpClient.newHttpClient(), base, () -> "t");
        assertEquals(1, identity.bundles("bob").size());
        assertThrows(InvalidSignatureException.class, () -> identity.bundles("mallory"));
        ApiException notFound = assertThrows(ApiException.NotFound.class, () -> identity.lookupUsername("carol"));
        assertEquals("USERNAME_NOT_FOUND", notFound.code());
        ApiException.RateLimited limited = assertThrows(ApiException.RateLimited.class, () -> identity.lookupUsername("busy"));
        assertEquals(Optional.of(17L), limited.retryAfterSeconds());

        WalletClient wallet = new WalletClient(HttpClient.newHttpClient(), base, () -> "t");
        assertEquals(42, wallet.balance().balance());
        WalletClient.LedgerPage page = wallet.ledger(10, null);
        assertEquals(1, page.entries().size());
        assertEquals(2L, page.nextBefore());
        assertEquals("limit=10", received.get(received.size() - 1).query());

        server.stop(0);
        ApiException down = assertThrows(ApiException.ServerOrNetwork.class, () -> wallet.balance());
        assertEquals(0, down.status());
    }

    @Test
    void problemCodesMapToTypes() {
        assertInstanceOf(ApiException.InsufficientCredits.class,
                Problems.toException(409, "{\"code\":\"INSUFFICIENT_CREDITS\"}", Optional.empty()));
        assertInstanceOf(ApiException.InsufficientCredits.class, Problems.toException(402, "", Optional.empty()));
        assertInstanceOf(ApiException.Conflict.class, Problems.toException(409, "{\"code\":\"USERNAME_TAKEN\"}", Optional.empty()));
        assertInstanceOf(ApiException.Conflict.class, Problems.toException(409, "{\"code\":\"DEVICE_LIMIT_REACHED\"}", Optional.empty()));
        assertInstanceOf(ApiException.InvalidRequest.class, Problems.toException(422, "{\"code\":\"INVALID_SIGNATURE\"}", Optional.empty()));
        assertInstanceOf(ApiException.Forbidden.class, Problems.toException(403, "{\"code\":\"NOT_ACCOUNT_OWNER\"}", Optional.empty()));
        assertInstanceOf(ApiException.NotAuthenticated.class, Problems.toException(401, "", Optional.empty()));
        assertInstanceOf(ApiException.NotAuthenticated.class, Problems.toException(400, "{\"error\":\"invalid_grant\"}", Optional.empty()));
        ApiException server = Problems.toException(503, "<html>", Optional.empty());
        assertInstanceOf(ApiException.ServerOrNetwork.class, server);
        assertEquals("HTTP_503", server.code());
        assertNotNull(server.getMessage());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
