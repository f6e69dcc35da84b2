package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.wallet.support.TestEvents;
import net.secureconnect.wallet.support.TestKafka;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static net.secureconnect.wallet.UsageCaptureTest.WAIT;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The read API: own wallet and ledger, other accounts only for admins, public pricing. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class WalletResourceTest {

    private final EventTap tap = EventTap.shared();

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void pricingIsPublic() {
        given().get("/pricing").then().statusCode(200)
                .body("prices.MESSAGE", equalTo(1))
                .body("prices.CALL_MINUTE", equalTo(5))
                .body("prices.FILE_TRANSFER", equalTo(3));
    }

    @Test
    void theWalletNeedsAToken() {
        given().get("/wallet").then().statusCode(401);
        given().get("/wallet/ledger").then().statusCode(401);
        given().get("/wallets/someone").then().statusCode(401);
    }

    @Test
    void aUserSeesTheirOwnWallet() {
        String user = "carol-" + UUID.randomUUID();
        String account = TestTokens.subjectOf(user);
        UsageEvent message = TestEvents.capture(account, UsageKind.MESSAGE, 1);
        tap.awaitBalance(UsageCaptureTest.paid(TestEvents.purchase(account, 4)), WAIT);
        TestKafka.send(message);
        tap.await(account, BalanceChanged.class, event -> event.causeEventId().equals(message.eventId()), WAIT);

        given().auth().oauth2(TestTokens.forUser(user, "user")).get("/wallet").then().statusCode(200)
                .body("accountId", equalTo(account))
                .body("balance", equalTo(3))
                .body("version", equalTo(2))
                .body("status", equalTo("SUSPENDED"))
                .body("unaffordableKinds", contains("CALL_MINUTE"));
        given().auth().oauth2(TestTokens.forUser(user, "user")).get("/wallets/" + account).then().statusCode(200)
                .body("balance", equalTo(3));
    }

    @Test
    void anAccountWithoutActivityHasAnEmptyWallet() {
        given().auth().oauth2(TestTokens.forUser("dave-" + UUID.randomUUID(), "user")).get("/wallet").then()
                .statusCode(200).body("balance", equalTo(0)).body("version", equalTo(0));
    }

    @Test
    void anotherUsersWalletIsForbidden() {
        String other = TestTokens.subjectOf("erin");
        given().auth().oauth2(TestTokens.forUser("mallory", "user")).get("/wallets/" + other).then()
                .statusCode(403).contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(TestTokens.forUser("mallory", "user")).get("/wallets/" + other + "/ledger").then()
                .statusCode(403).contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
        given().auth().oauth2(TestTokens.forUser("root", "user", "admin")).get("/wallets/" + other).then()
                .statusCode(200);
    }

    @Test
    void theLedgerIsPagedNewestFirst() {
        String user = "frank-" + UUID.randomUUID();
        String account = TestTokens.subjectOf(user);
        tap.awaitBalance(UsageCaptureTest.paid(TestEvents.purchase(account, 100)), WAIT);
        UsageEvent last = null;
        for (int i = 0; i < 4; i++) {
            last = TestEvents.capture(account, UsageKind.MESSAGE, 1);
            TestKafka.send(last);
        }
        String lastId = last.eventId();
        tap.await(account, BalanceChanged.class, event -> event.causeEventId().equals(lastId), WAIT);
        String token = TestTokens.forUser(user, "user");

        JsonPath first = given().auth().oauth2(token).queryParam("limit", 2).get("/wallet/ledger").then()
                .statusCode(200).body("entries", hasSize(2)).extract().jsonPath();
        assertEquals(List.of(5, 4), first.getList("entries.version"));
        assertEquals("usage:" + lastId, first.getString("entries[0].entryId"));
        assertEquals(96, first.getInt("entries[0].balanceAfter"));
        assertEquals("MESSAGE", first.getString("entries[0].usage.kind"));
        JsonPath second = given().auth().oauth2(token).queryParam("limit", 2)
                .queryParam("before", first.getLong("nextBefore")).get("/wallet/ledger").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of(3, 2), second.getList("entries.version"));
        given().auth().oauth2(token).queryParam("limit", 2).queryParam("before", second.getLong("nextBefore"))
                .get("/wallet/ledger").then().statusCode(200)
                .body("entries.version", contains(1))
                .body("entries[0].kind", equalTo("PURCHASE"))
                .body("nextBefore", nullValue());
        given().auth().oauth2(token).queryParam("limit", 0).get("/wallet/ledger").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
    }
}
