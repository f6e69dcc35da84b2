package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import net.secureconnect.identity.service.RateLimit;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every limiter of the catalogue answers 429 with Retry-After once its bucket is empty. Buckets of
 * {@value #CAPACITY} refilling hourly, so the test never races the refill.
 */
@QuarkusTest
@TestProfile(RateLimitTest.TightLimits.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RateLimitTest {

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    static final int CAPACITY = 3;
    /** Smaller than the per-requester bucket, so the pair's own limiter is the one that answers. */
    static final int PAIR_CAPACITY = 2;

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>();
            for (RateLimit limit : RateLimit.values()) {
                // %test-prefixed, like the generous defaults in application.properties they replace.
                int capacity = limit == RateLimit.BUNDLE_FETCH_PER_PAIR ? PAIR_CAPACITY : CAPACITY;
                overrides.put("%test.identity.rate-limits." + limit.limiterName() + ".capacity", String.valueOf(capacity));
                overrides.put("%test.identity.rate-limits." + limit.limiterName() + ".refill-every", "1h");
            }
            return overrides;
        }
    }

    /** {@value #CAPACITY} calls pass, the next is refused with 429, Retry-After and the limiter's name. */
    private static void limited(RateLimit limit, Supplier<ValidatableResponse> call, int expectedOk) {
        for (int i = 0; i < (limit == RateLimit.BUNDLE_FETCH_PER_PAIR ? PAIR_CAPACITY : CAPACITY); i++) {
            call.get().statusCode(expectedOk);
        }
        ExtractableResponse<Response> refused = call.get().statusCode(429)
                .contentType("application/problem+json")
                .body("code", equalTo("RATE_LIMITED"))
                .body("detail", org.hamcrest.Matchers.containsString(limit.limiterName()))
                .extract();
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
    }

    @Test
    void bundleFetchesPerRequester() {
        String requester = Api.newUser();
        String[] targets = new String[CAPACITY + 1];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = Api.accountOf(Api.newUser());
        }
        int[] next = {0};
        limited(RateLimit.BUNDLE_FETCH_PER_REQUESTER,
                () -> Api.as(requester).get("/v1/bundles/" + targets[next[0]++]).then(), 200);
    }

    @Test
    void bundleFetchesPerRequesterAndTarget() {
        String requester = Api.newUser();
        String target = Api.accountOf(Api.newUser());
        limited(RateLimit.BUNDLE_FETCH_PER_PAIR, () -> Api.as(requester).get("/v1/bundles/" + target).then(), 200);
        // Many requesters of one target each have their own bucket: more of them than any bucket holds get through.
        for (int i = 0; i <= CAPACITY; i++) {
            Api.as(Api.newUser()).get("/v1/bundles/" + target).then().statusCode(200);
        }
    }

    /**
     * Hostile: account A drains B's one-time keys and keeps hammering. A ends at 429; C still gets B's bundle
     * (without a one-time key, the signed prekey carries the session) and is never 429'd because of A. Each
     * fetch that found the one-time keys used up is counted for the drain alert.
     */
    @Test
    void oneAccountDrainingATargetDoesNotLockOthersOutAndTheDrainIsCounted() {
        String bob = Api.newUser();
        String bobAccount = Api.accountOf(bob);
        int device = Api.registerDevice(bob, bobAccount, new DeviceKeyMaterial(), 1);
        Api.uploadKeys(bob, bobAccount, device, Map.of("oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 2)))
                .statusCode(204);
        double drainedBefore = drained();

        String attacker = Api.newUser();
        for (int i = 0; i < PAIR_CAPACITY; i++) {
            Api.as(attacker).get("/v1/bundles/" + bobAccount).then().statusCode(200)
                    .body("devices[0].oneTimePrekey", org.hamcrest.Matchers.notNullValue());
        }
        Api.as(attacker).get("/v1/bundles/" + bobAccount).then().statusCode(429)
                .body("detail", org.hamcrest.Matchers.containsString(RateLimit.BUNDLE_FETCH_PER_PAIR.limiterName()));
        for (int i = 0; i < 5; i++) {
            // Keeps hammering: its own requester bucket is soon empty too, either way only A is refused.
            Api.as(attacker).get("/v1/bundles/" + bobAccount).then().statusCode(429).body("code", equalTo("RATE_LIMITED"));
        }

        String carol = Api.newUser();
        Api.as(carol).get("/v1/bundles/" + bobAccount).then().statusCode(200)
                .body("devices[0].deviceId", equalTo(device))
                .body("devices[0].signedPrekey", org.hamcrest.Matchers.notNullValue())
                .body("devices[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("oneTimePrekey")));
        assertEquals(drainedBefore + 1, drained(), "carol's fetch found the one-time keys used up");
    }

    private double drained() {
        io.micrometer.core.instrument.Counter counter = metrics.find("identity.bundle.drained").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void usernameLookups() {
        String user = Api.newUser();
        limited(RateLimit.USERNAME_LOOKUP_PER_REQUESTER,
                () -> Api.as(user).get("/v1/usernames/" + UsernameTest.freshName()).then(), 404);
    }

    @Test
    void usernameChanges() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        limited(RateLimit.USERNAME_CHANGE_PER_ACCOUNT,
                () -> UsernameTest.claim(user, accountId, UsernameTest.freshName()), 200);
    }

    @Test
    void keyUploadsIncludingRegistrations() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        DeviceKeyMaterial keys = new DeviceKeyMaterial();
        int device = Api.registerDevice(user, accountId, keys, 1); // the first token
        Api.uploadKeys(user, accountId, device, Map.of("signedPrekey", keys.signedPrekey(2))).statusCode(204);
        Api.uploadKeys(user, accountId, device, Map.of("signedPrekey", keys.signedPrekey(3))).statusCode(204);
        Api.uploadKeys(user, accountId, device, Map.of("signedPrekey", keys.signedPrekey(4))).statusCode(429)
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .body("code", equalTo("RATE_LIMITED"));
        Api.registerDevice(user, accountId, new DeviceKeyMaterial().registration(2)).statusCode(429);
        // Another account's bucket is its own.
        String other = Api.newUser();
        assertEquals(1, Api.registerDevice(other, Api.accountOf(other), new DeviceKeyMaterial(), 1));
    }
}
