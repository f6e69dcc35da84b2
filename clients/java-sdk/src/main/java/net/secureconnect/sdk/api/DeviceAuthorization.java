package net.secureconnect.sdk.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Login by the OAuth 2.0 device authorization grant (RFC 8628) at Keycloak, for a user with a terminal and a
 * phone: {@link #start()} asks for a device code and a short user code, the user opens the verification URL on
 * any browser (password and authenticator code are entered there, never in the terminal), and {@link #await}
 * polls the token endpoint until the grant is approved, denied or expired.
 *
 * <p>Polling follows RFC 8628 §3.5: {@code authorization_pending} → wait {@code interval} and ask again;
 * {@code slow_down} → the interval grows by 5 s for good; {@code access_denied} and {@code expired_token} end it
 * ({@link Refused}). The device code is a bearer secret for the time it lives: it is never logged.
 */
public final class DeviceAuthorization {

    /** What the user must do, and how the client polls. */
    public record Started(String deviceCode, String userCode, URI verificationUri, URI verificationUriComplete,
                          Instant expiresAt, Duration interval) {
        @Override
        public String toString() { // keeps the device code out of logs and exception texts
            return "Started[userCode=" + userCode + ", verificationUri=" + verificationUri + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** The grant ended without tokens: {@code access_denied} (the user said no) or {@code expired_token}. */
    public static final class Refused extends ApiException.NotAuthenticated {
        public Refused(String code, String message) {
            super(400, code, message);
        }

        public boolean denied() {
            return "access_denied".equals(code());
        }
    }

    /** Waits between polls (a test can count instead of sleeping). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** RFC 8628 §3.5: on {@code slow_down} the interval is increased by 5 seconds. */
    static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI deviceEndpoint;
    private final URI tokenEndpoint;
    private final String clientId;
    private final Clock clock;

    /** @param issuer e.g. {@code http://127.0.0.1:8180/realms/secureconnect} (Keycloak's endpoint layout) */
    public DeviceAuthorization(HttpClient http, URI issuer, String clientId, Clock clock) {
        String base = issuer.toString().endsWith("/") ? issuer.toString() : issuer + "/";
        this.http = http;
        this.deviceEndpoint = URI.create(base + "protocol/openid-connect/auth/device");
        this.tokenEndpoint = URI.create(base + "protocol/openid-connect/token");
        this.clientId = clientId;
        this.clock = clock;
    }

    /** Device authorization request (RFC 8628 §3.1–3.2). */
    public Started start() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("scope", "openid");
        JsonNode answer = HttpJson.send(http, formPost(deviceEndpoint, form));
        String deviceCode = answer.path("device_code").asText(null);
        String userCode = answer.path("user_code").asText(null);
        String uri = answer.path("verification_uri").asText(null);
        if (deviceCode == null || userCode == null || uri == null) {
            throw new ApiException.ServerOrNetwork(200, "MALFORMED_RESPONSE", "device authorization answered without codes");
        }
        String complete = answer.path("verification_uri_complete").asText(null);
        long interval = Math.max(1, answer.path("interval").asLong(5)); // RFC 8628: 5 s when absent
        return new Started(deviceCode, userCode, URI.create(uri), complete == null ? null : URI.create(complete),
                clock.instant().plusSeconds(answer.path("expires_in").asLong(600)), Duration.ofSeconds(interval));
    }

    /**
     * Polls the token endpoint until the user approved ({@link OidcClient.Tokens}), denied or let the code expire
     * ({@link Refused}); never faster than the server's interval.
     */
    public OidcClient.Tokens await(Started started, Sleeper sleeper) throws InterruptedException {
        Duration interval = started.interval();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        form.put("client_id", clientId);
        form.put("device_code", started.deviceCode());
        while (true) {
            if (!clock.instant().isBefore(started.expiresAt())) {
                throw expired();
            }
            sleeper.sleep(interval);
            HttpResponse<String> response = send(formPost(tokenEndpoint, form));
            JsonNode body = parse(response.body());
            if (response.statusCode() == 200 && body.hasNonNull("access_token")) {
                return new OidcClient.Tokens(body.get("access_token").asText(), body.path("refresh_token").asText(null),
                        clock.instant().plusSeconds(body.path("expires_in").asLong(60)));
            }
            String error = body.path("error").asText("");
            switch (error) {
                case "authorization_pending" -> { }
                case "slow_down" -> interval = interval.plus(SLOW_DOWN_STEP);
                case "access_denied" -> throw new Refused(error,
                        "the login was denied on the verification page (access_denied)");
                case "expired_token" -> throw expired();
                default -> throw Problems.toException(response.statusCode(), response.body(),
                        response.headers().firstValue("Retry-After"));
            }
        }
    }

    private static Refused expired() {
        return new Refused("expired_token", "the login code expired before it was approved (expired_token)");
    }

    private HttpResponse<String> send(HttpRequest request) throws InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiException.ServerOrNetwork("no answer from " + request.uri().getHost() + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : HttpJson.JSON.readTree(body);
            return node != null && node.isObject() ? node : HttpJson.JSON.createObjectNode();
        } catch (IOException notJson) {
            return HttpJson.JSON.createObjectNode();
        }
    }

    private static HttpRequest formPost(URI uri, Map<String, String> form) {
        return HttpRequest.newBuilder(uri).timeout(HttpJson.TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(OidcClient.formEncode(form))).build();
    }
}
