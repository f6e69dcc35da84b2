package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.DeviceAdded;
import net.secureconnect.contracts.Event;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Deleting an account removes everything it had, frees its name and announces it last. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class AccountDeletionTest {

    @Test
    void deletionRemovesDevicesKeysAndUsernameAndPublishesAccountDeleted() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        DeviceKeyMaterial first = new DeviceKeyMaterial();
        DeviceKeyMaterial second = new DeviceKeyMaterial();
        int one = Api.registerDevice(user, accountId, first, 1);
        int two = Api.registerDevice(user, accountId, second, 2);
        Api.uploadKeys(user, accountId, one, Map.of("oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 5),
                "kemOneTimePrekeys", first.kemPrekeys(1, 2))).statusCode(204);
        Api.uploadKeys(user, accountId, two, Map.of("oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 5)))
                .statusCode(204);
        String name = UsernameTest.freshName();
        UsernameTest.claim(user, accountId, name).statusCode(200);

        Api.as(user).delete("/v1/accounts/" + accountId).then().statusCode(204);

        List<Event> events = AccountEvents.awaitType(accountId, AccountDeleted.class);
        assertInstanceOf(AccountCreated.class, events.get(0));
        assertEquals(2, AccountEvents.ofType(events, DeviceAdded.class).size());
        assertInstanceOf(AccountDeleted.class, events.get(events.size() - 1), "AccountDeleted comes last");

        AccountTables.assertGone(accountId, TestTokens.subjectOf(user), name, 2);

        String stranger = Api.newUser();
        Api.as(stranger).get("/v1/bundles/" + accountId).then().statusCode(404).body("code", equalTo("ACCOUNT_NOT_FOUND"));
        Api.as(stranger).get("/v1/usernames/" + name).then().statusCode(404);
        UsernameTest.claim(stranger, Api.accountOf(stranger), name).statusCode(200);
        // Deleting again finds no account (and creates none).
        Api.as(user).delete("/v1/accounts/" + accountId).then().statusCode(404).body("code", equalTo("ACCOUNT_NOT_FOUND"));
        assertNull(Tables.get("subjects", Map.of("subject", Tables.s(TestTokens.subjectOf(user)))));
    }

    @Test
    void theSamePersonComingBackGetsAFreshAccountUnderTheSameId() {
        String user = Api.newUser();
        String before = Api.accountOf(user);
        Api.as(user).delete("/v1/accounts/" + before).then().statusCode(204);
        String after = Api.accountOf(user);
        assertEquals(before, after, "the account id is the OIDC subject");
        // The new incarnation announces itself with an event id of its own, so consumers do not drop it as a duplicate.
        List<AccountCreated> created = AccountEvents.ofType(AccountEvents.await(after,
                events -> AccountEvents.ofType(events, AccountCreated.class).size() == 2), AccountCreated.class);
        assertNotEquals(created.get(0).eventId(), created.get(1).eventId());
        Api.as(user).get("/v1/accounts/me").then().body("devices.size()", equalTo(0));
    }

    /** What the tables hold of an account after its deletion completed: nothing. */
    static final class AccountTables {
        private AccountTables() {
        }

        static void assertGone(String accountId, String subject, String username, int devicesEverRegistered) {
            assertNull(Tables.get("accounts", Map.of("accountId", Tables.s(accountId))));
            assertNull(Tables.get("subjects", Map.of("subject", Tables.s(subject))));
            if (username != null) {
                assertNull(Tables.get("usernames", Map.of("usernameKey", Tables.s(username.toLowerCase()))));
            }
            assertEquals(List.of(), Tables.query("devices", "accountId", accountId));
            assertEquals(List.of(), Tables.query("identity-outbox", "accountId", accountId));
            for (int device = 1; device <= devicesEverRegistered; device++) {
                assertEquals(List.of(), Tables.query("prekeys", "deviceKey", accountId + "#" + device));
            }
        }
    }
}
