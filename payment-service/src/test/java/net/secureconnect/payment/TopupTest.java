package net.secureconnect.payment;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Packs, idempotent checkout, own payments paged, and who may see what. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class TopupTest {

    @Test
    void packsAreTheConfiguredDefaultsInInr() {
        given().auth().oauth2(TestTokens.forUser(Api.newUser("packs"))).when().get("/topups/packs")
                .then().statusCode(200)
                .body("packId", contains("small", "medium", "large"))
                .body("credits", contains(100, 500, 1200))
                .body("priceMinor", contains(9900, 44900, 99900))
                .body("currency", everyItem(equalTo("INR")));
    }

    @Test
    void checkoutCreatesAPendingPaymentOfTheCallerWithASandboxCheckout() {
        String user = Api.newUser("buyer");
        String paymentId = Api.topup(user, "k-" + UUID.randomUUID(), "medium").statusCode(201)
                .body("status", equalTo("PENDING"))
                .body("credits", equalTo(500))
                .body("amountMinor", equalTo(44900))
                .body("currency", equalTo("INR"))
                .body("gateway", equalTo("sandbox"))
                .body("checkoutUrl", startsWith("http://127.0.0.1:8085/sandbox/checkout/"))
                .extract().path("paymentId");
        // The hosted page is public (the browser arrives by redirect, without our token).
        given().when().get("/sandbox/checkout/" + paymentId).then().statusCode(200)
                .contentType(ContentType.HTML).body(org.hamcrest.Matchers.containsString("500 credits for 449.00 INR"));
    }

    @Test
    void sameKeyAndBodyGetTheSameAnswer() {
        String user = Api.newUser("retry");
        String key = "k-" + UUID.randomUUID();
        var first = Api.topup(user, key, "small").statusCode(201).extract().body().asString();
        for (int i = 0; i < 3; i++) {
            assertEquals(first, Api.topup(user, key, "small").statusCode(201).extract().body().asString());
        }
        given().auth().oauth2(TestTokens.forUser(user)).when().get("/payments")
                .then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void sameKeyOtherBodyIs422AndCreatesNothing() {
        String user = Api.newUser("reuse");
        String key = "k-" + UUID.randomUUID();
        Api.topup(user, key, "small").statusCode(201);
        Api.topup(user, key, "large").statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
        given().auth().oauth2(TestTokens.forUser(user)).when().get("/payments")
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].packId", equalTo("small"));
    }

    @Test
    void theSameKeyOfAnotherUserIsAnotherPayment() {
        String key = "shared-" + UUID.randomUUID();
        String a = Api.topup(Api.newUser("a"), key, "small").statusCode(201).extract().path("paymentId");
        String b = Api.topup(Api.newUser("b"), key, "small").statusCode(201).extract().path("paymentId");
        assertNotEquals(a, b);
    }

    @Test
    void badRequestsAreProblems() {
        String user = Api.newUser("bad");
        given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON).body("{\"packId\":\"small\"}")
                .when().post("/topups").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("IDEMPOTENCY_KEY_REQUIRED"));
        Api.topup(user, "k-" + UUID.randomUUID(), "platinum").statusCode(422).body("code", equalTo("UNKNOWN_PACK"));
        given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON).header("Idempotency-Key", "k1")
                .body("{}").when().post("/topups").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void paymentsArePagedNewestFirst() {
        String user = Api.newUser("pager");
        List<String> created = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(Api.pendingPayment(user));
        }
        var first = given().auth().oauth2(TestTokens.forUser(user)).queryParam("limit", 2).when().get("/payments")
                .then().statusCode(200).body("items", hasSize(2)).body("next", notNullValue()).extract();
        String cursor = first.path("next");
        var second = given().auth().oauth2(TestTokens.forUser(user)).queryParam("limit", 2)
                .queryParam("cursor", cursor).when().get("/payments")
                .then().statusCode(200).body("items", hasSize(1)).body("next", nullValue()).extract();
        List<String> seen = new java.util.ArrayList<>(first.<List<String>>path("items.paymentId"));
        seen.addAll(second.<List<String>>path("items.paymentId"));
        assertEquals(List.of(created.get(2), created.get(1), created.get(0)), seen);
    }

    @Test
    void anotherUsersPaymentsAre403() {
        String owner = Api.newUser("owner");
        String paymentId = Api.pendingPayment(owner);
        String other = Api.newUser("other");
        given().auth().oauth2(TestTokens.forUser(other)).when().get("/payments/" + paymentId)
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(TestTokens.forUser(other)).queryParam("accountId", TestTokens.subjectOf(owner))
                .when().get("/payments").then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(TestTokens.forUser(other)).when().post("/sandbox/payments/" + paymentId + "/refund")
                .then().statusCode(403);
        // The owner may name themselves.
        given().auth().oauth2(TestTokens.forUser(owner)).queryParam("accountId", TestTokens.subjectOf(owner))
                .when().get("/payments").then().statusCode(200).body("items.paymentId", contains(paymentId));
    }

    @Test
    void noTokenIs401() {
        given().when().get("/payments").then().statusCode(401);
        given().when().get("/topups/packs").then().statusCode(401);
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k").body("{\"packId\":\"small\"}")
                .when().post("/topups").then().statusCode(401);
        given().when().get("/payments/whatever").then().statusCode(401);
        given().when().post("/sandbox/payments/whatever/refund").then().statusCode(401);
    }
}
