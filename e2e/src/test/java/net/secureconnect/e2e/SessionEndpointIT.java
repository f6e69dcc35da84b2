package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every service validates Keycloak's bearer tokens on its protected endpoint GET /v1/session. */
class SessionEndpointIT {

    static List<E2eConfig.Service> services() {
        return E2eConfig.services();
    }

    private static String sessionUrl(E2eConfig.Service service) {
        return service.baseUrl() + "/v1/session";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void aliceTokenIsAcceptedAndDescribesAlice(E2eConfig.Service service) {
        String token = Keycloak.accessToken(E2eConfig.ALICE);
        HttpResponse<String> response = Http.get(sessionUrl(service), token);
        assertEquals(200, response.statusCode(), service + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                service + " answers JSON");
        JsonNode session = Http.json(response);
        assertEquals(Jwt.claims(token).get("sub").asText(), session.path("subject").asText(), session.toString());
        assertEquals(E2eConfig.ALICE.username(), session.path("username").asText(), session.toString());
        assertEquals(service.name(), session.path("service").asText(service.name()), session.toString());
        List<String> roles = roles(session);
        assertTrue(roles.contains("user"), service + " roles " + roles);
        assertFalse(roles.contains("admin"), service + " roles " + roles);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void adminTokenCarriesTheAdminRole(E2eConfig.Service service) {
        HttpResponse<String> response = Http.get(sessionUrl(service), Keycloak.accessToken(E2eConfig.ADMIN));
        assertEquals(200, response.statusCode(), service + ": " + response.body());
        JsonNode session = Http.json(response);
        assertEquals(E2eConfig.ADMIN.username(), session.path("username").asText(), session.toString());
        List<String> roles = roles(session);
        assertTrue(roles.contains("admin") && roles.contains("user"), service + " roles " + roles);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void withoutTokenIsUnauthorized(E2eConfig.Service service) {
        HttpResponse<String> response = Http.get(sessionUrl(service));
        assertEquals(401, response.statusCode(), service + ": " + response.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void garbageTokenIsUnauthorized(E2eConfig.Service service) {
        HttpResponse<String> response = Http.get(sessionUrl(service), "not-a-jwt");
        assertEquals(401, response.statusCode(), service + ": " + response.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void sameClaimsSignedByAnotherKeyAreUnauthorized(E2eConfig.Service service) {
        String genuine = Keycloak.accessToken(E2eConfig.ALICE);
        String forged = Jwt.resignWithOwnKey(genuine);
        HttpResponse<String> response = Http.get(sessionUrl(service), forged);
        assertEquals(401, response.statusCode(), service + " must refuse a token signed by an unknown key: "
                + response.body());
    }

    static List<String> roles(JsonNode session) {
        List<String> roles = new ArrayList<>();
        session.path("roles").forEach(r -> roles.add(r.asText()));
        return roles;
    }
}
