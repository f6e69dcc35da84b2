package net.secureconnect.sdk.api;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 8628 polling rules against a scripted token endpoint on 127.0.0.1 (the real Keycloak pages are driven in
 * e2e's CliIT): the interval is honoured, {@code slow_down} adds 5 s for good, {@code access_denied} and
 * {@code expired_token} end the wait, and the device code stays out of texts.
 */
class DeviceAuthorizationTest {

    private HttpServer server;
    private final Deque<String[]> tokenAnswers = new ArrayDeque<>(); // {status, body}
    private final List<String> tokenRequests = new ArrayList<>();

    private DeviceAuthorization grant() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/realms/r/protocol/openid-connect/auth/device", ex -> {
            String body = "{\"device_code\":\"DEVICE-SECRET\",\"user_code\":\"ABCD-EFGH\",\"verification_uri\":\"http://127.0.0.1/realms/r/device\","
                    + "\"verification_uri_complete\":\"http://127.0.0.1/realms/r/device?user_code=ABCD-EFGH\",\"expires_in\":600,\"interval\":5}";
            reply(ex, 200, body);
        });
        server.createContext("/realms/r/protocol/openid-connect/token", ex -> {
            tokenRequests.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String[] answer = tokenAnswers.removeFirst();
            reply(ex, Integer.parseInt(answer[0]), answer[1]);
        });
        server.start();
        URI issuer = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/realms/r");
        return new DeviceAuthorization(HttpClient.newHttpClient(), issuer, "secureconnect-cli", Clock.systemUTC());
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private void answer(int status, String body) {
        tokenAnswers.add(new String[] {String.valueOf(status), body});
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void pollsAtTheIntervalAndSlowsDownFor5SecondsMoreEachTime() throws Exception {
        DeviceAuthorization grant = grant();
        DeviceAuthorization.Started started = grant.start();
        assertEquals("ABCD-EFGH", started.userCode());
        assertEquals(Duration.ofSeconds(5), started.interval());
        assertFalse(started.toString().contains("DEVICE-SECRET"), "the device code is a secret: " + started);
        answer(400, "{\"error\":\"authorization_pending\"}");
        answer(400, "{\"error\":\"slow_down\"}");
        answer(400, "{\"error\":\"authorization_pending\"}");
        answer(400, "{\"error\":\"slow_down\"}");
        answer(200, "{\"access_token\":\"a.b.c\",\"refresh_token\":\"r\",\"expires_in\":300}");
        List<Duration> waits = new ArrayList<>();
        OidcClient.Tokens tokens = grant.await(started, waits::add);
        assertEquals("a.b.c", tokens.accessToken());
        assertEquals("r", tokens.refreshToken());
        assertEquals(List.of(5L, 5L, 10L, 10L, 15L), waits.stream().map(Duration::toSeconds).toList());
        assertTrue(tokenRequests.getFirst().contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"),
                tokenRequests.getFirst());
        assertTrue(tokenRequests.getFirst().contains("device_code=DEVICE-SECRET"));
    }

    @Test
    void aDeniedGrantEndsTheWait() throws Exception {
        DeviceAuthorization grant = grant();
        DeviceAuthorization.Started started = grant.start();
        answer(400, "{\"error\":\"authorization_pending\"}");
        answer(400, "{\"error\":\"access_denied\"}");
        DeviceAuthorization.Refused refused = assertThrows(DeviceAuthorization.Refused.class, () -> grant.await(started, d -> { }));
        assertTrue(refused.denied());
        assertEquals(2, tokenRequests.size());
    }

    @Test
    void anExpiredCodeEndsTheWait() throws Exception {
        DeviceAuthorization grant = grant();
        DeviceAuthorization.Started started = grant.start();
        answer(400, "{\"error\":\"expired_token\"}");
        DeviceAuthorization.Refused refused = assertThrows(DeviceAuthorization.Refused.class, () -> grant.await(started, d -> { }));
        assertFalse(refused.denied());
        assertEquals("expired_token", refused.code());
    }

    @Test
    void anotherErrorIsNotMistakenForPending() throws Exception {
        DeviceAuthorization grant = grant();
        DeviceAuthorization.Started started = grant.start();
        answer(400, "{\"error\":\"invalid_client\"}");
        ApiException e = assertThrows(ApiException.class, () -> grant.await(started, d -> { }));
        assertEquals("invalid_client", e.code());
        assertFalse(e.getMessage().contains("DEVICE-SECRET"));
    }
}
