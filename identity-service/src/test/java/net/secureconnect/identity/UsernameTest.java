package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Usernames: one owner per name whatever the case, renames free the old name, lookup reveals nothing more. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class UsernameTest {

    /** A name no other test uses: a letter, then 20 hex digits. */
    static String freshName() {
        return "N" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    static io.restassured.response.ValidatableResponse claim(String user, String accountId, String name) {
        return Api.asJson(user, Map.of("username", name)).put("/v1/accounts/" + accountId + "/username").then();
    }

    @Test
    void claimedNameIsFoundInAnyCaseWithTheOwnersSpellingAndNothingElse() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        String name = freshName() + "_Mixed";
        claim(user, accountId, name).statusCode(200)
                .body("accountId", equalTo(accountId)).body("username", equalTo(name));

        String stranger = Api.newUser();
        JsonPath found = Api.as(stranger).get("/v1/usernames/" + name.toLowerCase()).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(Map.of("accountId", accountId, "username", name), found.getMap(""));
        Api.as(stranger).get("/v1/usernames/" + name.toUpperCase()).then().statusCode(200)
                .body("accountId", equalTo(accountId));
        Api.as(user).get("/v1/accounts/me").then().body("username", equalTo(name));
    }

    @Test
    void aNameDifferingOnlyInCaseIsTaken() {
        String alice = Api.newUser();
        String name = freshName();
        claim(alice, Api.accountOf(alice), name.toLowerCase()).statusCode(200);
        String bob = Api.newUser();
        claim(bob, Api.accountOf(bob), name.toUpperCase()).statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("USERNAME_TAKEN"));
    }

    @Test
    void theOwnerMayChangeTheSpellingOfTheirName() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        String name = freshName();
        claim(user, accountId, name.toLowerCase()).statusCode(200);
        claim(user, accountId, name.toUpperCase()).statusCode(200).body("username", equalTo(name.toUpperCase()));
        Api.as(user).get("/v1/usernames/" + name.toLowerCase()).then().statusCode(200)
                .body("username", equalTo(name.toUpperCase()));
    }

    @Test
    void renamingReleasesTheOldNameInTheSameStep() {
        String alice = Api.newUser();
        String accountId = Api.accountOf(alice);
        String first = freshName();
        String second = freshName();
        claim(alice, accountId, first).statusCode(200);
        claim(alice, accountId, second).statusCode(200);

        Api.as(alice).get("/v1/usernames/" + first).then().statusCode(404).body("code", equalTo("USERNAME_NOT_FOUND"));
        Api.as(alice).get("/v1/usernames/" + second).then().statusCode(200).body("accountId", equalTo(accountId));
        String bob = Api.newUser();
        String bobsAccount = Api.accountOf(bob);
        claim(bob, bobsAccount, first).statusCode(200);
        Api.as(alice).get("/v1/usernames/" + first).then().statusCode(200).body("accountId", equalTo(bobsAccount));
    }

    @Test
    void releasingFreesTheName() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        String name = freshName();
        claim(user, accountId, name).statusCode(200);
        Api.as(user).delete("/v1/accounts/" + accountId + "/username").then().statusCode(204);
        Api.as(user).delete("/v1/accounts/" + accountId + "/username").then().statusCode(204);
        Api.as(user).get("/v1/usernames/" + name).then().statusCode(404);
        Api.as(user).get("/v1/accounts/me").then().statusCode(200).body("$", not(hasKey("username")));
        String other = Api.newUser();
        claim(other, Api.accountOf(other), name).statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "1abc", "_abc", "a-bc", "a.bc", "a bc", "äbc", "abcdefghijklmnopqrstuvwxyz0123456", ""})
    void namesOutsideTheCharsetOrLengthAreRefused(String name) {
        String user = Api.newUser();
        claim(user, Api.accountOf(user), name).statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void bodiesAreReadStrictly() {
        String user = Api.newUser();
        String path = "/v1/accounts/" + Api.accountOf(user) + "/username";
        Api.asJson(user, "{\"username\":\"" + freshName() + "\",\"displayName\":\"x\"}").put(path).then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("UNKNOWN_FIELD"));
        Api.asJson(user, "{\"username\":42}").put(path).then().statusCode(400).body("code", equalTo("MALFORMED_JSON"));
        Api.asJson(user, "{\"username\":\"a\",\"username\":\"" + freshName() + "\"}").put(path).then()
                .statusCode(400).body("code", equalTo("MALFORMED_JSON"));
        Api.asJson(user, "{\"username\":\"" + freshName() + "\"} []").put(path).then()
                .statusCode(400).body("code", equalTo("MALFORMED_JSON"));
        Api.as(user).contentType("text/plain").body("{\"username\":\"" + freshName() + "\"}").put(path).then()
                .statusCode(415).contentType("application/problem+json");
    }

    @Test
    void lookupOfAnImpossibleNameIsAValidationError() {
        String user = Api.newUser();
        Api.as(user).get("/v1/usernames/a-b").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        Api.as(user).get("/v1/usernames/" + "x".repeat(40)).then().statusCode(400);
    }

    /** Two accounts claim one name at the same moment: exactly one wins, the other gets 409. Repeated. */
    @RepeatedTest(5)
    void twoAccountsClaimingOneNameAtOnce() {
        assertOneWinner(2);
    }

    @Test
    void tenAccountsClaimingOneNameAtOnce() {
        assertOneWinner(10);
    }

    private static void assertOneWinner(int contenders) {
        List<String> users = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            String user = Api.newUser();
            users.add(user);
            accounts.add(Api.accountOf(user));
        }
        String name = freshName();
        String body = "{\"username\":\"" + name + "\"}";
        List<HttpResponse<String>> answers = Concurrently.send(contenders, i ->
                Concurrently.request(users.get(i), "/v1/accounts/" + accounts.get(i) + "/username")
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body)).build());

        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            HttpResponse<String> answer = answers.get(i);
            if (answer.statusCode() == 200) {
                winners.add(i);
            } else {
                assertEquals(409, answer.statusCode(), answer.body());
                assertEquals("USERNAME_TAKEN", JsonPath.from(answer.body()).getString("code"));
            }
        }
        assertEquals(1, winners.size(), "exactly one winner: " + answers.stream().map(HttpResponse::statusCode).toList());
        Api.as(users.get(0)).get("/v1/usernames/" + name).then().statusCode(200)
                .body("accountId", equalTo(accounts.get(winners.get(0))));
    }
}
