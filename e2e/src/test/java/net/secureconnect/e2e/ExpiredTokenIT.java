package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A genuine Keycloak token, accepted while fresh, is refused by every service once it has expired.
 * The token comes from the realm's short-lived test client (access.token.lifespan of a few seconds), so
 * the class waits seconds, not minutes.
 */
class ExpiredTokenIT {

    private static String token;
    private static long expiresAtMillis;

    static List<E2eConfig.Service> services() {
        return E2eConfig.services();
    }

    @BeforeAll
    static void obtainAShortLivedTokenAndLetItExpire() throws InterruptedException {
        // Warm every service up first (OIDC key download, first request) with a long-lived token, so the
        // short-lived one is checked while it is still fresh.
        String warm = Keycloak.accessToken(E2eConfig.ALICE);
        for (E2eConfig.Service service : E2eConfig.services()) {
            try {
                Http.get(service.baseUrl() + "/v1/session", warm);
            } catch (RuntimeException unreachable) {
                // reported by the test for that service
            }
        }

        token = Keycloak.login(E2eConfig.shortLivedClientId(), E2eConfig.BOB).accessToken();
        long issuedAt = Jwt.claims(token).get("iat").asLong();
        expiresAtMillis = Jwt.claims(token).get("exp").asLong() * 1000;

        // While fresh it is a valid token: a later 401 is then due to its expiry alone.
        E2eConfig.Service first = E2eConfig.services().get(0);
        long before = System.currentTimeMillis();
        HttpResponse<String> fresh = Http.get(first.baseUrl() + "/v1/session", token);
        if (System.currentTimeMillis() < expiresAtMillis - 1000) {
            assertEquals(200, fresh.statusCode(), "fresh short-lived token (iat " + issuedAt + ", sent at "
                    + before / 1000 + ") must be accepted by " + first + ": " + fresh.body());
        }

        long waitMillis = expiresAtMillis + 1000 - System.currentTimeMillis();
        if (waitMillis > 0) {
            Thread.sleep(waitMillis);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void expiredKeycloakTokenIsUnauthorized(E2eConfig.Service service) throws InterruptedException {
        // Services may allow some clock skew (quarkus.oidc.token.lifespan-grace): poll until the
        // configured bound, then require the refusal.
        long deadline = expiresAtMillis + E2eConfig.expiryGraceSeconds() * 1000;
        HttpResponse<String> response;
        while (true) {
            response = Http.get(service.baseUrl() + "/v1/session", token);
            if (response.statusCode() == 401 || System.currentTimeMillis() > deadline) {
                break;
            }
            Thread.sleep(1000);
        }
        assertEquals(401, response.statusCode(), service + " accepted a token that expired at "
                + expiresAtMillis / 1000 + ": " + response.body());
    }
}
