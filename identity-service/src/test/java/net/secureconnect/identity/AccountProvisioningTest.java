package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.DeviceAdded;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The first authenticated call creates the account, once, even when many first calls race. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class AccountProvisioningTest {

    @Test
    void firstCallProvisionsTheAccountAndPublishesAccountCreated() {
        String user = Api.newUser();
        String accountId = Api.as(user).get("/v1/accounts/me").then().statusCode(200)
                .body("accountId", equalTo(TestTokens.subjectOf(user)))
                .body("devices", empty())
                .body("createdAt", notNullValue())
                .extract().path("accountId");
        Api.as(user).get("/v1/accounts/me").then().statusCode(200).body("accountId", equalTo(accountId));

        List<Event> events = AccountEvents.awaitType(accountId, AccountCreated.class);
        AccountCreated created = AccountEvents.ofType(events, AccountCreated.class).get(0);
        // Deterministic: a re-publish of the same outbox row carries the same id.
        var accountRow = Tables.get("accounts", Map.of("accountId", Tables.s(accountId)));
        assertEquals(EventIds.forCause(EventType.ACCOUNT_CREATED, accountId, accountRow.get("createdAt").n() + ".1"),
                created.eventId());

        var subjectRow = Tables.get("subjects", Map.of("subject", Tables.s(TestTokens.subjectOf(user))));
        assertNotNull(subjectRow);
        assertEquals(accountId, subjectRow.get("accountId").s());
    }

    @Test
    void concurrentFirstCallsYieldOneAccountAndOneAccountCreated() {
        String user = Api.newUser();
        List<HttpResponse<String>> answers = Concurrently.send(20,
                i -> Concurrently.request(user, "/v1/accounts/me").GET().build());
        Set<String> accountIds = answers.stream()
                .peek(answer -> assertEquals(200, answer.statusCode(), answer.body()))
                .map(answer -> io.restassured.path.json.JsonPath.from(answer.body()).getString("accountId"))
                .collect(Collectors.toSet());
        assertEquals(1, accountIds.size(), "one account for one subject: " + accountIds);
        String accountId = accountIds.iterator().next();

        // A later event of the same account on the same partition: once it is read, every
        // AccountCreated published before it has been read too.
        Api.registerDevice(user, accountId, new DeviceKeyMaterial(), 7);
        List<Event> events = AccountEvents.awaitType(accountId, DeviceAdded.class);
        assertEquals(1, AccountEvents.ofType(events, AccountCreated.class).size(), "AccountCreated events: " + events);
    }

    @Test
    void withoutATokenEveryEndpointAnswers401() {
        String someone = "00000000-0000-4000-8000-000000000000";
        given().get("/v1/accounts/me").then().statusCode(401);
        given().delete("/v1/accounts/" + someone).then().statusCode(401);
        given().contentType("application/json").body("{\"username\":\"alice\"}")
                .put("/v1/accounts/" + someone + "/username").then().statusCode(401);
        given().get("/v1/usernames/alice").then().statusCode(401);
        given().get("/v1/accounts/" + someone + "/devices").then().statusCode(401);
        given().contentType("application/json").body("{}").post("/v1/accounts/" + someone + "/devices")
                .then().statusCode(401);
        given().contentType("application/json").body("{}").put("/v1/accounts/" + someone + "/devices/1/keys")
                .then().statusCode(401);
        given().get("/v1/bundles/" + someone).then().statusCode(401);
        given().get("/v1/bundles/" + someone + "/1").then().statusCode(401);
        given().auth().oauth2(TestTokens.expired(Api.newUser(), "user")).get("/v1/accounts/me").then().statusCode(401);
    }

    @Test
    void aTokenWithoutTheUserRoleGetsNoAccount() {
        String service = Api.newUser();
        given().auth().oauth2(TestTokens.withoutRoles(service)).get("/v1/accounts/me").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
        assertEquals(null, Tables.get("subjects", Map.of("subject", Tables.s(TestTokens.subjectOf(service)))));
    }
}
