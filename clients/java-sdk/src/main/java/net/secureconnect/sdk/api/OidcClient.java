package net.secureconnect.sdk.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Login at Keycloak (realm {@code secureconnect}, public client {@code secureconnect-cli}) with the
 * resource owner password grant and the TOTP code in the {@code totp} form field, and token refresh.
 * A refused login (wrong password, missing or wrong code, account not fully set up) is
 * {@link ApiException.NotAuthenticated}.
 */
public final class OidcClient {

    public static final String DEFAULT_CLIENT_ID = "secureconnect-cli";

    /** What the token endpoint returned. */
    public record Tokens(String accessToken, String refreshToken, Instant expiresAt) {
        public boolean expiresWithin(long seconds, Clock clock) {
            return clock.instant().plusSeconds(seconds).isAfter(expiresAt);
        }
    }

    private final HttpClient http;
    private final URI tokenEndpoint;
    private final URI revocationEndpoint;
    private final String clientId;
    private final Clock clock;

    /** @param issuer e.g. {@code http://127.0.0.1:8180/realms/secureconnect} */
    public OidcClient(HttpClient http, URI issuer, String clientId, Clock clock) {
        this.http = http;
        String base = issuer.toString().endsWith("/") ? issuer.toString() : issuer + "/";
        this.tokenEndpoint = URI.create(base + "protocol/openid-connect/token");
        this.revocationEndpoint = URI.create(base + "protocol/openid-connect/revoke");
        this.clientId = clientId;
        this.clock = clock;
    }

    public OidcClient(URI issuer) {
        this(HttpClient.newHttpClient(), issuer, DEFAULT_CLIENT_ID, Clock.systemUTC());
    }

    public URI tokenEndpoint() {
        return tokenEndpoint;
    }

    /** Password grant; {@code totp} may be null for a user without a second factor. */
    public Tokens login(String username, String password, String totp) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("scope", "openid");
        form.put("username", username);
        form.put("password", password);
        if (totp != null && !totp.isBlank()) {
            form.put("totp", totp);
        }
        return tokens(form);
    }

    public Tokens refresh(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", clientId);
        form.put("refresh_token", refreshToken);
        return tokens(form);
    }

    /**
     * Ends the login session of a refresh token at the issuer (RFC 7009; Keycloak ends the user's session for this
     * client, so neither the refresh token nor a new access token from it works afterwards). Access tokens already
     * issued stay valid until they expire (minutes): the services check signatures, not the session.
     * RFC 7009 answers 200 also for a token that was already invalid.
     */
    public void revoke(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("token", refreshToken);
        form.put("token_type_hint", "refresh_token");
        HttpRequest request = HttpRequest.newBuilder(revocationEndpoint).timeout(HttpJson.TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form))).build();
        HttpJson.send(http, request);
    }

    private Tokens tokens(Map<String, String> form) {
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint).timeout(HttpJson.TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form))).build();
        JsonNode answer = HttpJson.send(http, request);
        String access = answer.path("access_token").asText(null);
        if (access == null) {
            throw new ApiException.ServerOrNetwork(200, "MALFORMED_RESPONSE", "token endpoint answered without access_token");
        }
        return new Tokens(access, answer.path("refresh_token").asText(null),
                clock.instant().plusSeconds(answer.path("expires_in").asLong(60)));
    }

    static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
