package net.secureconnect.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Logins against the real Keycloak of the local stack (OAuth 2.0 password grant). */
final class Keycloak {

    /** One code tracker per TOTP secret for the whole test JVM (codes are single-use in Keycloak). */
    private static final Map<String, Totp.FreshCodes> CODES = new ConcurrentHashMap<>();
    private static final Map<String, TokenResponse> LOGINS = new ConcurrentHashMap<>();

    private Keycloak() {
    }

    record TokenResponse(int status, JsonNode body) {
        String accessToken() {
            JsonNode token = body.get("access_token");
            if (status != 200 || token == null) {
                throw new AssertionError("no access token (HTTP " + status + "): " + body);
            }
            return token.asText();
        }

        String error() {
            return body.path("error").asText("");
        }
    }

    /** Password grant; {@code totp == null} leaves the one-time password out of the request. */
    static TokenResponse passwordGrant(String clientId, E2eConfig.TestUser user, String totp) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", clientId);
        form.put("username", user.username());
        form.put("password", user.password());
        form.put("scope", "openid");
        if (totp != null) {
            form.put("totp", totp);
        }
        HttpResponse<String> response = Http.postForm(E2eConfig.tokenEndpoint(), form);
        return new TokenResponse(response.statusCode(), Http.json(response));
    }

    static String freshTotp(E2eConfig.TestUser user) {
        try {
            return CODES.computeIfAbsent(user.totpSecretBase32(), Totp.FreshCodes::new).next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Full login (password + fresh TOTP code); retries once with the next code if Keycloak says no. */
    static TokenResponse login(String clientId, E2eConfig.TestUser user) {
        TokenResponse response = passwordGrant(clientId, user, freshTotp(user));
        if (response.status() != 200) {
            // A code of this step may have been used by an earlier run against the same Keycloak.
            spaceOutFailures();
            response = passwordGrant(clientId, user, freshTotp(user));
        }
        return response;
    }

    /** A login that is meant to fail (wrong or missing credential). */
    static TokenResponse failingPasswordGrant(String clientId, E2eConfig.TestUser user, String totp) {
        spaceOutFailures();
        return passwordGrant(clientId, user, totp);
    }

    private static long lastDeliberateFailureMillis;

    /**
     * The realm's brute-force protection locks a user for a few seconds (minimumQuickLoginWaitSeconds)
     * after two failures less than quickLoginCheckMilliSeconds (1 s) apart. Deliberate failures are
     * spaced out so that each negative test sees Keycloak's answer to the wrong credential, not to a
     * locked account.
     */
    private static synchronized void spaceOutFailures() {
        long wait = lastDeliberateFailureMillis + 1500 - System.currentTimeMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        lastDeliberateFailureMillis = System.currentTimeMillis();
    }

    /**
     * The first successful login of this user with this client in the test JVM, shared by the test
     * classes: every login consumes a TOTP time step, and only three steps are valid at any moment.
     */
    static TokenResponse cachedLogin(String clientId, E2eConfig.TestUser user) {
        String key = clientId + " " + user.username();
        return LOGINS.compute(key, (k, previous) -> {
            if (previous == null || previous.status() != 200) {
                LOGIN_TIMES.put(k, System.currentTimeMillis());
                return login(clientId, user);
            }
            // Access tokens live 5 minutes and the stage runs longer: renew by the refresh token (no TOTP step).
            if (System.currentTimeMillis() - LOGIN_TIMES.getOrDefault(k, 0L) < 180_000
                    || !previous.body().hasNonNull("refresh_token")) {
                return previous;
            }
            HttpResponse<String> response = Http.postForm(E2eConfig.tokenEndpoint(), Map.of("grant_type", "refresh_token",
                    "client_id", clientId, "refresh_token", previous.body().get("refresh_token").asText()));
            TokenResponse renewed = new TokenResponse(response.statusCode(), Http.json(response));
            LOGIN_TIMES.put(k, System.currentTimeMillis());
            return renewed.status() == 200 ? renewed : login(clientId, user);
        });
    }

    private static final Map<String, Long> LOGIN_TIMES = new ConcurrentHashMap<>();

    /** A token of the master realm's administrator (admin-cli), for the realm admin API. Development only. */
    static String adminToken() {
        HttpResponse<String> response = Http.postForm(E2eConfig.keycloakUrl() + "/realms/master/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", "admin-cli",
                        "username", E2eConfig.keycloakAdminUser(), "password", E2eConfig.keycloakAdminPassword()));
        return new TokenResponse(response.statusCode(), Http.json(response)).accessToken();
    }

    /** The realm's admin API base URL. */
    static String adminApi() {
        return E2eConfig.keycloakUrl() + "/admin/realms/" + E2eConfig.realm();
    }

    /** A valid access token of the CLI client for this user (access tokens live 5 minutes). */
    static String accessToken(E2eConfig.TestUser user) {
        return cachedLogin(E2eConfig.cliClientId(), user).accessToken();
    }
}
