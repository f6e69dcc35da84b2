package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.wallet.support.LedgerTable;
import net.secureconnect.wallet.support.TestEvents;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static net.secureconnect.wallet.UsageCaptureTest.WAIT;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Admin adjustments: role-protected, problem+json on bad input, idempotent by Idempotency-Key. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class AdjustmentResourceTest {

    private final EventTap tap = EventTap.shared();

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    private static RequestSpecification asAdmin() {
        return given().auth().oauth2(TestTokens.forUser("root", "user", "admin")).contentType("application/json");
    }

    private static String path(String account) {
        return "/admin/wallets/" + account + "/adjustments";
    }

    @Test
    void onlyAdminsAdjust() {
        String account = TestEvents.newAccount();
        given().contentType("application/json").header("Idempotency-Key", "k1")
                .body("{\"credits\":5,\"reason\":\"goodwill\"}").post(path(account)).then().statusCode(401);
        given().auth().oauth2(TestTokens.forUser("mallory", "user")).contentType("application/json")
                .header("Idempotency-Key", "k1").body("{\"credits\":5,\"reason\":\"goodwill\"}")
                .post(path(account)).then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
        assertEquals(0, LedgerTable.entries(account).size());
    }

    @Test
    void badRequestsAreProblems() {
        String account = TestEvents.newAccount();
        asAdmin().header("Idempotency-Key", "k1").body("{\"credits\":").post(path(account)).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("MALFORMED_JSON"));
        asAdmin().header("Idempotency-Key", "k1").body("{\"credits\":\"lots\",\"reason\":\"x\"}").post(path(account))
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("MALFORMED_JSON"));
        asAdmin().body("{\"credits\":5,\"reason\":\"goodwill\"}").post(path(account)).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("IDEMPOTENCY_KEY_REQUIRED"));
        asAdmin().header("Idempotency-Key", "k1").body("{\"credits\":0,\"reason\":\"nothing\"}").post(path(account))
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
        asAdmin().header("Idempotency-Key", "k1").body("{\"credits\":5,\"reason\":\"\"}").post(path(account))
                .then().statusCode(400).contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
        asAdmin().header("Idempotency-Key", "k1").body("{\"credits\":-5,\"reason\":\"too much\"}").post(path(account))
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("INSUFFICIENT_CREDITS"));
        assertEquals(0, LedgerTable.entries(account).size());
    }

    @Test
    void theSameKeyAndBodyGiveTheSameResultAndAnotherBodyIsRefused() {
        String account = TestEvents.newAccount();
        String key = "adj-" + UUID.randomUUID();
        String entryId = asAdmin().header("Idempotency-Key", key).body("{\"credits\":25,\"reason\":\"goodwill\"}")
                .post(path(account)).then().statusCode(201)
                .header("Idempotent-Replayed", nullValue())
                .body("amount", equalTo(25))
                .body("balanceAfter", equalTo(25))
                .body("kind", equalTo("ADJUSTMENT"))
                .body("note", equalTo("goodwill"))
                .extract().path("entryId");
        BalanceChanged announced = tap.await(account, BalanceChanged.class, event -> event.wallet().version() == 1, WAIT);
        assertEquals(25, announced.wallet().balance());

        asAdmin().header("Idempotency-Key", key).body("{\"credits\":25,\"reason\":\"goodwill\"}")
                .post(path(account)).then().statusCode(201)
                .header("Idempotent-Replayed", "true")
                .body("entryId", equalTo(entryId))
                .body("balanceAfter", equalTo(25));
        asAdmin().header("Idempotency-Key", key).body("{\"credits\":30,\"reason\":\"goodwill\"}")
                .post(path(account)).then().statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));

        asAdmin().header("Idempotency-Key", key + "-2").body("{\"credits\":-10,\"reason\":\"correction\"}")
                .post(path(account)).then().statusCode(201).body("balanceAfter", equalTo(15));
        assertEquals(2, LedgerTable.entries(account).size());
        assertEquals(15, LedgerTable.number(LedgerTable.wallet(account), "balance"));
    }
}
