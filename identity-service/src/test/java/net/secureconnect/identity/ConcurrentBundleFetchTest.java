package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The atomic claim under load: far more concurrent fetches than one-time keys. Every key is handed out
 * exactly once, and every fetch that found none still gets a usable bundle.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class ConcurrentBundleFetchTest {

    private static final Logger LOG = Logger.getLogger(ConcurrentBundleFetchTest.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    static final int FETCHES = 1_000;
    static final int ONE_TIME_KEYS = 100;
    static final int REQUESTERS = 10;

    @Test
    void thousandConcurrentFetchesAgainstHundredOneTimeKeys() {
        String owner = Api.newUser();
        String accountId = Api.accountOf(owner);
        DeviceKeyMaterial keys = new DeviceKeyMaterial();
        Map<String, Object> registration = keys.registration(9);
        int device = Api.registerDevice(owner, accountId, registration).statusCode(201).extract().path("deviceId");
        List<Map<String, Object>> uploaded = DeviceKeyMaterial.oneTimePrekeys(1, ONE_TIME_KEYS);
        Api.uploadKeys(owner, accountId, device, Map.of("oneTimePrekeys", uploaded)).statusCode(204);

        List<String> requesters = new ArrayList<>();
        for (int i = 0; i < REQUESTERS; i++) {
            String requester = Api.newUser();
            Api.accountOf(requester);
            requesters.add(requester);
        }

        long started = System.nanoTime();
        List<HttpResponse<String>> answers = Concurrently.send(FETCHES, i -> Concurrently.request(
                requesters.get(i % REQUESTERS), "/v1/bundles/" + accountId + "/" + device).GET().build());
        long millis = (System.nanoTime() - started) / 1_000_000;

        List<Map<String, Object>> handedOut = new ArrayList<>();
        int withoutOneTimeKey = 0;
        for (HttpResponse<String> answer : answers) {
            assertEquals(200, answer.statusCode(), answer.body());
            Map<String, Object> bundle = onlyDevice(answer);
            assertEquals(registration.get("signedPrekey"), bundle.get("signedPrekey"));
            @SuppressWarnings("unchecked")
            Map<String, Object> oneTime = (Map<String, Object>) bundle.get("oneTimePrekey");
            if (oneTime != null) {
                handedOut.add(oneTime);
            } else {
                withoutOneTimeKey++;
                // Out of one-time keys: the last-resort post-quantum key stands in.
                @SuppressWarnings("unchecked")
                Map<String, Object> kem = (Map<String, Object>) bundle.get("kemPrekey");
                assertNotNull(kem);
                assertEquals(Boolean.TRUE, kem.get("lastResort"));
            }
        }
        LOG.infof("%d concurrent bundle fetches against %d one-time keys took %d ms (%.0f fetches/s)",
                FETCHES, ONE_TIME_KEYS, millis, FETCHES * 1000.0 / Math.max(1, millis));

        Set<Map<String, Object>> distinct = new HashSet<>(handedOut);
        assertEquals(ONE_TIME_KEYS, handedOut.size(), "exactly " + ONE_TIME_KEYS + " bundles carry a one-time key");
        assertEquals(handedOut.size(), distinct.size(), "no one-time key handed out twice");
        assertEquals(new HashSet<>(uploaded), distinct, "the handed-out keys are exactly the uploaded ones");
        assertEquals(FETCHES - ONE_TIME_KEYS, withoutOneTimeKey);
        Api.as(owner).get("/v1/accounts/" + accountId + "/devices/" + device + "/keys").then().statusCode(200)
                .body("oneTimePrekeys", equalTo(0));
    }

    @Test
    void postQuantumOneTimeKeysAreClaimedOnceEachToo() {
        String owner = Api.newUser();
        String accountId = Api.accountOf(owner);
        DeviceKeyMaterial keys = new DeviceKeyMaterial();
        int device = Api.registerDevice(owner, accountId, keys, 10);
        List<Map<String, Object>> uploaded = keys.kemPrekeys(1, 30);
        Api.uploadKeys(owner, accountId, device, Map.of("kemOneTimePrekeys", uploaded)).statusCode(204);

        String requester = Api.newUser();
        List<HttpResponse<String>> answers = Concurrently.send(100, i -> Concurrently.request(
                requester, "/v1/bundles/" + accountId).GET().build());
        List<Map<String, Object>> oneTime = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            assertEquals(200, answer.statusCode(), answer.body());
            @SuppressWarnings("unchecked")
            Map<String, Object> kem = new java.util.HashMap<>((Map<String, Object>) onlyDevice(answer).get("kemPrekey"));
            if (!(Boolean) kem.remove("lastResort")) {
                oneTime.add(kem);
            }
        }
        assertEquals(30, oneTime.size());
        assertEquals(new HashSet<>(uploaded), new HashSet<>(oneTime));
    }

    /** The bundle's single device entry (Jackson: RestAssured's JsonPath is too slow for a thousand bodies). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyDevice(HttpResponse<String> answer) {
        try {
            Map<String, Object> bundle = JSON.readValue(answer.body(), Map.class);
            List<Map<String, Object>> devices = (List<Map<String, Object>>) bundle.get("devices");
            assertEquals(1, devices.size(), answer.body());
            return devices.get(0);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + answer.body(), e);
        }
    }
}
