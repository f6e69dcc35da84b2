package net.secureconnect.media;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import net.secureconnect.media.support.Http;
import net.secureconnect.media.support.TestWallet;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.S3ProxyTestResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static net.secureconnect.media.MediaUploadTest.as;
import static net.secureconnect.media.MediaUploadTest.newUser;
import static net.secureconnect.media.MediaUploadTest.randomBytes;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A wallet answer that comes too late for the request: with a wallet timeout of 1 ms every upload request answers
 * 503 while its AUTHORIZE goes to the real wallet, which applies it. Retries with the same Idempotency-Key get that
 * slot once the late answer is recorded: one hold, never two, however often the client retries.
 */
@QuarkusTest
@TestProfile(MediaWalletTimeoutTest.NoPatience.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
@QuarkusTestResource(S3ProxyTestResource.class)
class MediaWalletTimeoutTest {

    public static class NoPatience implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("secureconnect.media.wallet-timeout", "1ms");
        }
    }

    @BeforeAll
    static void startWallet() {
        TestWallet.get();
    }

    @Test
    void retriesAfterAWalletTimeoutHoldOnce() {
        String carol = newUser();
        TestWallet.topUp(carol, 10);
        String key = "retry-" + UUID.randomUUID();
        as(carol).header("Idempotency-Key", key).body("{\"size\":2048}").post("/media/uploads").then()
                .statusCode(503).body("code", equalTo("WALLET_UNAVAILABLE"));
        TestWallet.awaitBalance(carol, balance -> balance == 7); // the AUTHORIZE was applied after all

        int retries = 0;
        io.restassured.response.Response retry;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            retry = as(carol).header("Idempotency-Key", key).body("{\"size\":2048}").post("/media/uploads");
            retries++;
            if (retry.statusCode() == 201) {
                break;
            }
            assertEquals(503, retry.statusCode(), retry.asString());
            assertTrue(System.nanoTime() < deadline, "the late answer was never recorded");
            TestWallet.sleepMillis(200);
        }
        assertEquals("true", retry.header("Idempotent-Replayed"));
        String mediaId = retry.path("mediaId");
        assertEquals(200, Http.put(retry.path("uploadUrl"), randomBytes(2048)));
        as(carol).post("/media/uploads/" + mediaId + "/complete").then().statusCode(200);
        TestWallet.sleepMillis(1000); // a second hold, if any retry had taken one, would show by now
        assertEquals(7, TestWallet.balance(carol), "one hold after " + retries + " retries");
        assertEquals(List.of("PURCHASE", "USAGE"), TestWallet.ledgerKinds(carol));
    }
}
