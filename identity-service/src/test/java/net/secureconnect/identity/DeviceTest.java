package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.contracts.DeviceAdded;
import net.secureconnect.contracts.DeviceRemoved;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.IdentityKeyChanged;
import net.secureconnect.identity.crypto.SignedMessages;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Devices: registration, the per-account limit (also under races), removal and identity replacement. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class DeviceTest {

    static final int MAX_DEVICES = 6;

    @Test
    void registeringDevicesPublishesDeviceAddedWithTheFullList() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        int first = Api.registerDevice(user, accountId, new DeviceKeyMaterial(), 101);
        Api.registerDevice(user, accountId, new DeviceKeyMaterial().registration(102)).statusCode(201)
                .body("deviceId", equalTo(first + 1))
                .body("devices", equalTo(List.of(first, first + 1)));

        List<Event> events = AccountEvents.await(accountId,
                seen -> AccountEvents.ofType(seen, DeviceAdded.class).size() == 2);
        List<DeviceAdded> added = AccountEvents.ofType(events, DeviceAdded.class);
        assertEquals(1, added.get(0).deviceId());
        assertEquals(101, added.get(0).registrationId());
        assertEquals(List.of(1), added.get(0).devices());
        assertEquals(2, added.get(1).deviceId());
        assertEquals(102, added.get(1).registrationId());
        assertEquals(List.of(1, 2), added.get(1).devices());

        Api.as(user).get("/v1/accounts/" + accountId + "/devices").then().statusCode(200)
                .body("devices.deviceId", equalTo(List.of(1, 2)))
                .body("devices.registrationId", equalTo(List.of(101, 102)));
    }

    @Test
    void aRegistrationWithoutThePostQuantumPrekeyIsRefused() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        Map<String, Object> body = new java.util.LinkedHashMap<>(new DeviceKeyMaterial().registration(5));
        body.remove("kemLastResortPrekey");
        Api.registerDevice(user, accountId, body).statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("KEM_PREKEY_REQUIRED"));
        Api.as(user).get("/v1/accounts/me").then().body("devices.size()", equalTo(0));
        // The same identity replacement is refused too.
        int device = Api.registerDevice(user, accountId, new DeviceKeyMaterial(), 6);
        Map<String, Object> replacement = new java.util.LinkedHashMap<>(new DeviceKeyMaterial().registration(7));
        replacement.remove("kemLastResortPrekey");
        Api.as(user).contentType("application/json").body(replacement)
                .put("/v1/accounts/" + accountId + "/devices/" + device + "/identity").then().statusCode(400)
                .body("code", equalTo("KEM_PREKEY_REQUIRED"));
    }

    @Test
    void theSeventhDeviceIsRefusedUntilOneIsRemoved() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        for (int i = 1; i <= MAX_DEVICES; i++) {
            Api.registerDevice(user, accountId, new DeviceKeyMaterial(), i);
        }
        Api.registerDevice(user, accountId, new DeviceKeyMaterial().registration(7)).statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("DEVICE_LIMIT_REACHED"));

        Api.as(user).delete("/v1/accounts/" + accountId + "/devices/3").then().statusCode(204);
        // Ids are never reused: the next device is 7, not 3.
        Api.registerDevice(user, accountId, new DeviceKeyMaterial().registration(8)).statusCode(201)
                .body("deviceId", equalTo(7))
                .body("devices", equalTo(List.of(1, 2, 4, 5, 6, 7)));
    }

    @Test
    void concurrentRegistrationsCannotExceedTheLimit() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        for (int i = 1; i <= MAX_DEVICES - 2; i++) {
            Api.registerDevice(user, accountId, new DeviceKeyMaterial(), i);
        }
        List<String> bodies = java.util.stream.IntStream.range(0, 6)
                .mapToObj(i -> json(new DeviceKeyMaterial().registration(50 + i))).toList();
        List<HttpResponse<String>> answers = Concurrently.send(bodies.size(), i ->
                Concurrently.request(user, "/v1/accounts/" + accountId + "/devices")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build());
        long created = answers.stream().filter(a -> a.statusCode() == 201).count();
        assertTrue(answers.stream().allMatch(a -> a.statusCode() == 201 || a.statusCode() == 409),
                answers.stream().map(a -> a.statusCode() + " " + a.body()).toList().toString());
        assertEquals(2, created, "two free slots, two registrations");
        Api.as(user).get("/v1/accounts/me").then().body("devices.size()", equalTo(MAX_DEVICES));
    }

    @Test
    void removingADevicePublishesDeviceRemovedAndDeletesItsKeys() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        int keep = Api.registerDevice(user, accountId, new DeviceKeyMaterial(), 1);
        int drop = Api.registerDevice(user, accountId, new DeviceKeyMaterial(), 2);
        Api.uploadKeys(user, accountId, drop, Map.of("oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 5)))
                .statusCode(204);

        Api.as(user).delete("/v1/accounts/" + accountId + "/devices/" + drop).then().statusCode(204);

        List<Event> events = AccountEvents.awaitType(accountId, DeviceRemoved.class);
        DeviceRemoved removed = AccountEvents.ofType(events, DeviceRemoved.class).get(0);
        assertEquals(drop, removed.deviceId());
        assertEquals(List.of(keep), removed.devices());
        assertEquals(List.of(), Tables.query("prekeys", "deviceKey", accountId + "#" + drop));
        assertEquals(null, Tables.get("devices", Map.of("accountId", Tables.s(accountId),
                "deviceId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(String.valueOf(drop)))));

        Api.as(user).delete("/v1/accounts/" + accountId + "/devices/" + drop).then().statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
        Api.as(user).get("/v1/bundles/" + accountId + "/" + drop).then().statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
        Api.as(user).get("/v1/bundles/" + accountId).then().statusCode(200)
                .body("devices.deviceId", equalTo(List.of(keep)));
    }

    @Test
    void aNewIdentityKeyPublishesIdentityKeyChangedAndRetiresOldOneTimeKeys() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        DeviceKeyMaterial old = new DeviceKeyMaterial();
        int device = Api.registerDevice(user, accountId, old, 1);
        Api.uploadKeys(user, accountId, device, Map.of(
                "oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 4),
                "kemOneTimePrekeys", old.kemPrekeys(1, 2))).statusCode(204);

        // Same identity key: keys replaced, no event.
        Api.asJson(user, old.registration(2)).put("/v1/accounts/" + accountId + "/devices/" + device + "/identity")
                .then().statusCode(200).body("identityKeyChanged", equalTo(false));

        DeviceKeyMaterial fresh = new DeviceKeyMaterial();
        Api.asJson(user, fresh.registration(3)).put("/v1/accounts/" + accountId + "/devices/" + device + "/identity")
                .then().statusCode(200).body("identityKeyChanged", equalTo(true));

        List<Event> events = AccountEvents.awaitType(accountId, IdentityKeyChanged.class);
        List<IdentityKeyChanged> changes = AccountEvents.ofType(events, IdentityKeyChanged.class);
        assertEquals(1, changes.size(), "only the real change is announced: " + events);
        assertEquals(device, changes.get(0).deviceId());
        assertEquals(fresh.identityKey(), changes.get(0).identityKey());

        Api.as(user).get("/v1/accounts/" + accountId + "/devices/" + device + "/keys").then().statusCode(200)
                .body("oneTimePrekeys", equalTo(0)).body("kemOneTimePrekeys", equalTo(0));
        Api.as(user).get("/v1/bundles/" + accountId + "/" + device).then().statusCode(200)
                .body("devices[0].identityKey", equalTo(fresh.identityKey()))
                .body("devices[0].registrationId", equalTo(3));
    }

    @Test
    void aRegistrationWithABadSignatureIsRefusedAndWritesNothing() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        DeviceKeyMaterial keys = new DeviceKeyMaterial();
        DeviceKeyMaterial stranger = new DeviceKeyMaterial();

        Map<String, Object> badAgreement = keys.registration(1);
        badAgreement.put("agreementKeySignature", stranger.sign(DeviceKeyMaterial.label(
                SignedMessages.AGREEMENT_KEY_LABEL, java.util.Base64.getDecoder().decode((String) badAgreement.get("agreementKey")))));
        Api.registerDevice(user, accountId, badAgreement).statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("INVALID_SIGNATURE"));

        Map<String, Object> badSignedPrekey = keys.registration(1);
        badSignedPrekey.put("signedPrekey", stranger.signedPrekey(1));
        Api.registerDevice(user, accountId, badSignedPrekey).statusCode(422).body("code", equalTo("INVALID_SIGNATURE"));

        Map<String, Object> badKem = keys.registration(1);
        badKem.put("kemLastResortPrekey", stranger.kemPrekey(1));
        Api.registerDevice(user, accountId, badKem).statusCode(422).body("code", equalTo("INVALID_SIGNATURE"));

        Api.as(user).get("/v1/accounts/me").then().body("devices.size()", equalTo(0));
    }

    @Test
    void aDeviceIdThatIsNotANumberIsNotFound() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        Api.as(user).delete("/v1/accounts/" + accountId + "/devices/one").then().statusCode(404)
                .contentType("application/problem+json");
        Api.as(user).delete("/v1/accounts/" + accountId + "/devices/-1").then().statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
    }

    static String json(Map<String, Object> body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
