package net.secureconnect.testsupport;

import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * Mixed into the foundation test of every service that reads JSON request bodies (the relay reads none: its
 * WebSocket frames have their own parser): bodies with unknown fields, duplicate keys, trailing content or
 * broken syntax are refused with a stable code, and the answer never echoes the request.
 */
public interface StrictJsonRequestTests {

    /**
     * A JSON endpoint of the service, for the strict-JSON checks: only refused bodies are sent, so
     * nothing is charged or stored. {@code body} is a valid body; {@code headers} what else it needs.
     */
    record JsonEndpoint(String method, String path, String token, Map<String, String> headers, String body) {
    }

    /** The service's JSON endpoint for the strict-JSON checks. */
    JsonEndpoint jsonEndpoint();

    @Test
    default void refusesUnknownFieldsDuplicateKeysAndCoercionsWithoutEchoingTheBody() {
        JsonEndpoint endpoint = jsonEndpoint();
        String open = endpoint.body().substring(0, endpoint.body().lastIndexOf('}'));
        String firstKey = endpoint.body().substring(endpoint.body().indexOf('"') + 1,
                endpoint.body().indexOf('"', endpoint.body().indexOf('"') + 1));
        // Unknown field, duplicate key (a second value for the first field), trailing content, broken syntax.
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put(open + ",\"x_injected_field\":\"x_injected_value\"}", "UNKNOWN_FIELD");
        hostile.put(open + ",\"" + firstKey + "\":\"x_injected_value\"}", "MALFORMED_JSON");
        hostile.put(endpoint.body() + " {\"x_injected_field\":1}", "MALFORMED_JSON");
        hostile.put(open + ", x_injected_value}", "MALFORMED_JSON");
        hostile.forEach((body, code) -> given().auth().oauth2(endpoint.token()).headers(endpoint.headers())
                .contentType(ContentType.JSON).body(body)
                .request(endpoint.method(), endpoint.path()).then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo(code))
                .body("detail", not(containsString("x_injected"))));
    }
}
