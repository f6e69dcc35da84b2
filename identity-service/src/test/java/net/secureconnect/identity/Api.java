package net.secureconnect.identity;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import net.secureconnect.testsupport.TestTokens;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** The HTTP calls tests make over and over, as a client would make them. */
public final class Api {

    private Api() {
    }

    /** A user nobody else in this test JVM uses. */
    public static String newUser() {
        return "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    public static String token(String user) {
        return TestTokens.forUser(user, "user");
    }

    public static RequestSpecification as(String user) {
        return given().auth().oauth2(token(user));
    }

    public static RequestSpecification asJson(String user, Object body) {
        return as(user).contentType(ContentType.JSON).body(body);
    }

    /** Provisions (or finds) the user's account and returns its id. */
    public static String accountOf(String user) {
        return as(user).get("/v1/accounts/me").then().statusCode(200).extract().path("accountId");
    }

    public static int registerDevice(String user, String accountId, DeviceKeyMaterial keys, int registrationId) {
        return registerDevice(user, accountId, keys.registration(registrationId)).statusCode(201)
                .extract().path("deviceId");
    }

    public static ValidatableResponse registerDevice(String user, String accountId, Map<String, Object> body) {
        return asJson(user, body).post("/v1/accounts/" + accountId + "/devices").then();
    }

    public static ValidatableResponse uploadKeys(String user, String accountId, int deviceId, Map<String, Object> body) {
        return asJson(user, body).put("/v1/accounts/" + accountId + "/devices/" + deviceId + "/keys").then();
    }
}
