package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The real Keycloak with the imported realm: password + TOTP logins, and the service clients. */
class KeycloakLoginIT {

    @Test
    void discoveryDocumentNamesTheIssuerTheServicesExpect() {
        HttpResponse<String> response = Http.get(E2eConfig.issuer() + "/.well-known/openid-configuration");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode doc = Http.json(response);
        assertEquals(E2eConfig.issuer(), doc.get("issuer").asText());
        assertTrue(doc.get("grant_types_supported").toString().contains("urn:ietf:params:oauth:grant-type:device_code"),
                "device authorization grant is advertised");
    }

    @Test
    void passwordGrantWithTotpCodeYieldsAnAccessToken() {
        Keycloak.TokenResponse response = Keycloak.cachedLogin(E2eConfig.cliClientId(), E2eConfig.ALICE);
        assertEquals(200, response.status(), response.body().toString());
        JsonNode claims = Jwt.claims(response.accessToken());
        assertEquals(E2eConfig.issuer(), claims.get("iss").asText());
        assertEquals(E2eConfig.ALICE.username(), claims.get("preferred_username").asText());
        assertTrue(roles(claims).contains("user"), "realm role user: " + claims);
        assertFalse(roles(claims).contains("admin"), "no realm role admin: " + claims);
        assertEquals("RS256", Jwt.header(response.accessToken()).get("alg").asText());
    }

    @Test
    void passwordGrantWithoutTotpCodeIsRefused() {
        Keycloak.TokenResponse response = Keycloak.failingPasswordGrant(E2eConfig.cliClientId(), E2eConfig.ALICE, null);
        assertRefused(response);
    }

    @Test
    void passwordGrantWithWrongTotpCodeIsRefused() {
        byte[] key = Totp.base32Decode(E2eConfig.ALICE.totpSecretBase32());
        long now = Totp.step(System.currentTimeMillis() / 1000);
        // Ten minutes old: outside Keycloak's look-around window of one step.
        String stale = Totp.code(key, now - 20);
        for (long s = now - 1; s <= now + 1; s++) {
            if (Totp.code(key, s).equals(stale)) {
                return; // one-in-a-million collision with a valid code: nothing to test this time
            }
        }
        assertRefused(Keycloak.failingPasswordGrant(E2eConfig.cliClientId(), E2eConfig.ALICE, stale));
    }

    @Test
    void passwordGrantWithWrongPasswordIsRefused() {
        E2eConfig.TestUser wrong = new E2eConfig.TestUser(E2eConfig.ALICE.username(), "not-the-password",
                E2eConfig.ALICE.totpSecretBase32());
        assertRefused(Keycloak.failingPasswordGrant(E2eConfig.cliClientId(), wrong, "000000"));
    }

    @Test
    void shortLivedClientIssuesTokensThatExpireWithinSeconds() {
        Keycloak.TokenResponse response = Keycloak.cachedLogin(E2eConfig.shortLivedClientId(), E2eConfig.BOB);
        assertEquals(200, response.status(), response.body().toString());
        JsonNode claims = Jwt.claims(response.accessToken());
        long lifetime = claims.get("exp").asLong() - claims.get("iat").asLong();
        assertTrue(lifetime > 0 && lifetime <= 10, "access token lifetime " + lifetime + " s");
    }

    static List<String> serviceClients() {
        return E2eConfig.services().stream().map(E2eConfig.Service::name).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serviceClients")
    void confidentialServiceClientGetsATokenWithItsSecret(String clientId) throws IOException {
        HttpResponse<String> response = Http.postForm(E2eConfig.tokenEndpoint(), Map.of(
                "grant_type", "client_credentials",
                "client_id", clientId,
                "client_secret", devSecretOf(clientId)));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode claims = Jwt.claims(Http.json(response).get("access_token").asText());
        assertEquals(clientId, claims.get("azp").asText());

        HttpResponse<String> wrong = Http.postForm(E2eConfig.tokenEndpoint(), Map.of(
                "grant_type", "client_credentials", "client_id", clientId, "client_secret", "wrong"));
        assertNotEquals(200, wrong.statusCode());
    }

    /** The development-only secrets live in the realm file; read them from there rather than copy them. */
    private static String devSecretOf(String clientId) throws IOException {
        Path realmFile = Path.of(E2eConfig.prop("realm-file", "../deploy/keycloak/secureconnect-realm.json"));
        JsonNode realm = Http.JSON.readTree(Files.readString(realmFile));
        for (JsonNode client : realm.get("clients")) {
            if (client.get("clientId").asText().equals(clientId)) {
                return client.get("secret").asText();
            }
        }
        throw new AssertionError("client " + clientId + " not in " + realmFile);
    }

    static void assertRefused(Keycloak.TokenResponse response) {
        assertTrue(response.status() == 400 || response.status() == 401,
                "refused with 400/401, got " + response.status() + ": " + response.body());
        assertEquals("invalid_grant", response.error(), response.body().toString());
        assertTrue(response.body().path("access_token").isMissingNode(), "no token handed out");
    }

    static List<String> roles(JsonNode claims) {
        List<String> roles = new ArrayList<>();
        claims.path("realm_access").path("roles").forEach(r -> roles.add(r.asText()));
        return roles;
    }
}
