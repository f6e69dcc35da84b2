package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Uploads are checked against the device's identity key and come back byte for byte in bundles. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class KeyDirectoryTest {

    private String owner;
    private String accountId;
    private DeviceKeyMaterial keys;
    private Map<String, Object> registration;
    private int device;
    private String peer;

    @BeforeEach
    void anAccountWithOneDevice() {
        owner = Api.newUser();
        accountId = Api.accountOf(owner);
        keys = new DeviceKeyMaterial();
        registration = keys.registration(4711);
        device = Api.registerDevice(owner, accountId, registration).statusCode(201).extract().path("deviceId");
        peer = Api.newUser();
    }

    private JsonPath bundle() {
        return Api.as(peer).get("/v1/bundles/" + accountId + "/" + device).then().statusCode(200)
                .extract().jsonPath();
    }

    private String keysPath() {
        return "/v1/accounts/" + accountId + "/devices/" + device + "/keys";
    }

    @Test
    void aSignedPrekeySignedByAnotherKeyIsRefused() {
        Map<String, Object> foreign = new DeviceKeyMaterial().signedPrekey(2);
        Api.uploadKeys(owner, accountId, device, Map.of("signedPrekey", foreign)).statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("INVALID_SIGNATURE"))
                .body("status", equalTo(422));
        // A correct signature over a different key is just as wrong.
        Map<String, Object> swapped = new HashMap<>(keys.signedPrekey(2));
        swapped.put("publicKey", DeviceKeyMaterial.b64(DeviceKeyMaterial.x25519PublicKey()));
        Api.uploadKeys(owner, accountId, device, Map.of("signedPrekey", swapped)).statusCode(422)
                .body("code", equalTo("INVALID_SIGNATURE"));
        // Nothing changed: the registered signed prekey is still the one handed out.
        assertEquals(registration.get("signedPrekey"), bundle().getMap("devices[0].signedPrekey"));
    }

    @Test
    void aCorrectSignedPrekeyRoundTripsByteForByte() {
        Map<String, Object> signed = keys.signedPrekey(77);
        Map<String, Object> lastResort = keys.kemPrekey(78);
        Api.uploadKeys(owner, accountId, device, Map.of("signedPrekey", signed, "kemLastResortPrekey", lastResort))
                .statusCode(204);

        JsonPath bundle = bundle();
        assertEquals(accountId, bundle.getString("accountId"));
        assertEquals(signed, bundle.getMap("devices[0].signedPrekey"));
        assertEquals(keys.identityKey(), bundle.getString("devices[0].identityKey"));
        assertEquals(registration.get("agreementKey"), bundle.getString("devices[0].agreementKey"));
        assertEquals(registration.get("agreementKeySignature"), bundle.getString("devices[0].agreementKeySignature"));
        assertEquals(4711, bundle.getInt("devices[0].registrationId"));
        Map<String, Object> kem = new HashMap<>(lastResort);
        kem.put("lastResort", true);
        assertEquals(kem, bundle.getMap("devices[0].kemPrekey"));
        // And the bytes behind the text are the bytes that were signed.
        assertEquals(32, Base64.getDecoder().decode(bundle.getString("devices[0].signedPrekey.publicKey")).length);
        Api.as(owner).get(keysPath()).then().statusCode(200)
                .body("signedPrekeyId", equalTo(77)).body("kemLastResortPrekeyId", equalTo(78));
    }

    @Test
    void oneTimeKeysAreHandedOutOnceEachThenTheLastResortKey() {
        List<Map<String, Object>> ec = DeviceKeyMaterial.oneTimePrekeys(1, 3);
        List<Map<String, Object>> kem = keys.kemPrekeys(1, 2);
        Api.uploadKeys(owner, accountId, device, Map.of("oneTimePrekeys", ec, "kemOneTimePrekeys", kem))
                .statusCode(204);
        Api.as(owner).get(keysPath()).then().statusCode(200)
                .body("oneTimePrekeys", equalTo(3)).body("kemOneTimePrekeys", equalTo(2));

        List<Map<String, Object>> ecSeen = new ArrayList<>();
        List<Map<String, Object>> kemSeen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            JsonPath bundle = bundle();
            Map<String, Object> oneTime = bundle.getMap("devices[0].oneTimePrekey");
            if (oneTime != null) {
                ecSeen.add(oneTime);
            }
            Map<String, Object> kemKey = new HashMap<>(bundle.getMap("devices[0].kemPrekey"));
            if (!(Boolean) kemKey.remove("lastResort")) {
                kemSeen.add(kemKey);
            } else {
                assertEquals(((Map<?, ?>) registration.get("kemLastResortPrekey")).get("keyId"), kemKey.get("keyId"));
            }
        }
        assertEquals(new HashSet<>(ec), new HashSet<>(ecSeen), "each one-time key exactly once");
        assertEquals(3, ecSeen.size());
        assertEquals(new HashSet<>(kem), new HashSet<>(kemSeen));
        assertEquals(2, kemSeen.size());

        Api.as(owner).get(keysPath()).then().statusCode(200)
                .body("oneTimePrekeys", equalTo(0)).body("kemOneTimePrekeys", equalTo(0));
        Api.as(peer).get("/v1/bundles/" + accountId + "/" + device).then().statusCode(200)
                .body("devices[0]", not(hasKey("oneTimePrekey")))
                .body("devices[0].signedPrekey.keyId", equalTo(1))
                .body("devices[0].kemPrekey.lastResort", equalTo(true));
    }

    @Test
    void anUploadReplacesThatPoolOfOneTimeKeys() {
        Api.uploadKeys(owner, accountId, device, Map.of("oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 10)))
                .statusCode(204);
        List<Map<String, Object>> second = DeviceKeyMaterial.oneTimePrekeys(20, 3);
        Api.uploadKeys(owner, accountId, device, Map.of("oneTimePrekeys", second)).statusCode(204);
        Api.as(owner).get(keysPath()).then().body("oneTimePrekeys", equalTo(3));
        Set<Object> handedOut = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            handedOut.add(bundle().getMap("devices[0].oneTimePrekey"));
        }
        assertEquals(new HashSet<>(second), handedOut);
    }

    @Test
    void aBundleOfAllDevicesHasOneEntryPerDevice() {
        int second = Api.registerDevice(owner, accountId, new DeviceKeyMaterial(), 4712);
        Api.as(peer).get("/v1/bundles/" + accountId).then().statusCode(200)
                .body("accountId", equalTo(accountId))
                .body("devices.deviceId", equalTo(List.of(device, second)))
                .body("devices.registrationId", equalTo(List.of(4711, 4712)));
        String empty = Api.newUser();
        Api.as(peer).get("/v1/bundles/" + Api.accountOf(empty)).then().statusCode(200)
                .body("devices.size()", equalTo(0));
    }

    @Test
    void unknownAccountsAndDevicesAreNotFound() {
        Api.as(peer).get("/v1/bundles/00000000-0000-4000-8000-000000000000").then().statusCode(404)
                .body("code", equalTo("ACCOUNT_NOT_FOUND"));
        Api.as(peer).get("/v1/bundles/not-an-account-id").then().statusCode(404).body("code", equalTo("ACCOUNT_NOT_FOUND"));
        Api.as(peer).get("/v1/bundles/" + accountId + "/99").then().statusCode(404).body("code", equalTo("DEVICE_NOT_FOUND"));
        Api.uploadKeys(owner, accountId, 99, Map.of("signedPrekey", keys.signedPrekey(1))).statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
    }

    @Test
    void malformedUploadsAreRefusedWithTheirCode() {
        Api.uploadKeys(owner, accountId, device, Map.of()).statusCode(400).body("code", equalTo("EMPTY_KEY_UPLOAD"));
        Map<String, Object> withExtra = new HashMap<>(keys.signedPrekey(3));
        withExtra.put("expiresAt", 0);
        Api.uploadKeys(owner, accountId, device, Map.of("signedPrekey", withExtra)).statusCode(400)
                .body("code", equalTo("UNKNOWN_FIELD"));
        Map<String, Object> keyIdAsText = new HashMap<>(keys.signedPrekey(3));
        keyIdAsText.put("keyId", "3");
        Api.uploadKeys(owner, accountId, device, Map.of("signedPrekey", keyIdAsText)).statusCode(400)
                .body("code", equalTo("MALFORMED_JSON"));
        List<Map<String, Object>> twice = new ArrayList<>(DeviceKeyMaterial.oneTimePrekeys(1, 2));
        twice.addAll(DeviceKeyMaterial.oneTimePrekeys(2, 1));
        Api.uploadKeys(owner, accountId, device, Map.of("oneTimePrekeys", twice)).statusCode(400)
                .body("code", equalTo("DUPLICATE_KEY_ID"));
        Api.uploadKeys(owner, accountId, device, Map.of("oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 101)))
                .statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        Api.uploadKeys(owner, accountId, device, Map.of("oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 100)))
                .statusCode(204);
        Api.uploadKeys(owner, accountId, device, Map.of("oneTimePrekeys",
                List.of(Map.of("keyId", 1, "publicKey", DeviceKeyMaterial.b64(new byte[31]))))).statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"))
                .body("violations[0].field", equalTo("publicKey"));
        Api.uploadKeys(owner, accountId, device, Map.of("oneTimePrekeys",
                List.of(Map.of("keyId", 0x1000000, "publicKey", DeviceKeyMaterial.b64(new byte[32]))))).statusCode(400);
        // A post-quantum key that fails FIPS 203's modulus check, correctly signed.
        byte[] broken = new byte[DeviceKeyMaterial.KEM_KEY_BYTES];
        java.util.Arrays.fill(broken, (byte) 0xFF);
        Map<String, Object> badKem = Map.of("keyId", 1, "publicKey", DeviceKeyMaterial.b64(broken),
                "signature", keys.sign(DeviceKeyMaterial.label(
                        net.secureconnect.identity.crypto.SignedMessages.KEM_PREKEY_LABEL, broken)));
        Api.uploadKeys(owner, accountId, device, Map.of("kemLastResortPrekey", badKem)).statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED"));
        // A one-time post-quantum key signed by someone else.
        List<Map<String, Object>> kems = new ArrayList<>(keys.kemPrekeys(1, 2));
        kems.add(new DeviceKeyMaterial().kemPrekey(3));
        Api.uploadKeys(owner, accountId, device, Map.of("kemOneTimePrekeys", kems)).statusCode(422)
                .body("code", equalTo("INVALID_SIGNATURE"))
                .body("detail", org.hamcrest.Matchers.containsString("kemOneTimePrekeys[2]"));
        Api.as(owner).get(keysPath()).then().body("oneTimePrekeys", equalTo(100)).body("kemOneTimePrekeys", equalTo(0));
    }
}
