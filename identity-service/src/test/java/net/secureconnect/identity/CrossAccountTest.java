package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** Account A cannot touch B: every owner-only path answers 403 and B is unchanged afterwards. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class CrossAccountTest {

    private String alice;
    private String bob;
    private String bobsAccount;
    private int bobsDevice;
    private DeviceKeyMaterial bobsKeys;
    private String bobsName;

    @BeforeEach
    void twoAccounts() {
        alice = Api.newUser();
        Api.accountOf(alice);
        bob = Api.newUser();
        bobsAccount = Api.accountOf(bob);
        bobsKeys = new DeviceKeyMaterial();
        bobsDevice = Api.registerDevice(bob, bobsAccount, bobsKeys, 42);
        Api.uploadKeys(bob, bobsAccount, bobsDevice, Map.of("oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 3)))
                .statusCode(204);
        bobsName = UsernameTest.freshName();
        UsernameTest.claim(bob, bobsAccount, bobsName).statusCode(200);
    }

    private static void forbidden(ValidatableResponse response) {
        response.statusCode(403).contentType("application/problem+json").body("code", equalTo("NOT_ACCOUNT_OWNER"));
    }

    @Test
    void aliceCannotUploadKeysForBobsDevice() {
        // Signed with Alice's own key and otherwise valid: refused for whose device it is, not for its form.
        DeviceKeyMaterial alicesKeys = new DeviceKeyMaterial();
        forbidden(Api.uploadKeys(alice, bobsAccount, bobsDevice, Map.of(
                "signedPrekey", alicesKeys.signedPrekey(9),
                "oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(100, 2))));
        forbidden(Api.uploadKeys(alice, bobsAccount, bobsDevice, Map.of("signedPrekey", bobsKeys.signedPrekey(9))));
        forbidden(Api.registerDevice(alice, bobsAccount, alicesKeys.registration(5)));
        forbidden(Api.asJson(alice, alicesKeys.registration(5))
                .put("/v1/accounts/" + bobsAccount + "/devices/" + bobsDevice + "/identity").then());
        forbidden(Api.as(alice).delete("/v1/accounts/" + bobsAccount + "/devices/" + bobsDevice).then());
        forbidden(Api.as(alice).get("/v1/accounts/" + bobsAccount + "/devices").then());
        forbidden(Api.as(alice).get("/v1/accounts/" + bobsAccount + "/devices/" + bobsDevice + "/keys").then());
        bobIsUnchanged();
    }

    @Test
    void aliceCannotDeleteBob() {
        forbidden(Api.as(alice).delete("/v1/accounts/" + bobsAccount).then());
        bobIsUnchanged();
    }

    @Test
    void aliceCannotRenameBobOrReleaseHisName() {
        forbidden(UsernameTest.claim(alice, bobsAccount, UsernameTest.freshName()));
        forbidden(Api.as(alice).delete("/v1/accounts/" + bobsAccount + "/username").then());
        bobIsUnchanged();
    }

    @Test
    void anAccountIdThatIsNobodysIsForbiddenToo() {
        forbidden(Api.as(alice).delete("/v1/accounts/00000000-0000-4000-8000-000000000000").then());
        forbidden(UsernameTest.claim(alice, "not-even-an-id", UsernameTest.freshName()));
    }

    private void bobIsUnchanged() {
        Api.as(bob).get("/v1/accounts/me").then().statusCode(200)
                .body("accountId", equalTo(bobsAccount))
                .body("username", equalTo(bobsName))
                .body("devices", equalTo(List.of(bobsDevice)));
        Api.as(bob).get("/v1/accounts/" + bobsAccount + "/devices/" + bobsDevice + "/keys").then().statusCode(200)
                .body("oneTimePrekeys", equalTo(3))
                .body("signedPrekeyId", equalTo(1));
        Api.as(bob).get("/v1/bundles/" + bobsAccount + "/" + bobsDevice).then().statusCode(200)
                .body("devices[0].identityKey", equalTo(bobsKeys.identityKey()));
    }
}
