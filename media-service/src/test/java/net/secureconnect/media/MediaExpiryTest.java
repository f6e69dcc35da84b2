package net.secureconnect.media;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import net.secureconnect.media.support.Http;
import net.secureconnect.media.support.TestWallet;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.S3ProxyTestResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.util.List;
import java.util.Map;

import static net.secureconnect.media.MediaUploadTest.as;
import static net.secureconnect.media.MediaUploadTest.newUser;
import static net.secureconnect.media.MediaUploadTest.randomBytes;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** With short windows: expired URLs are refused by the store; uploads never completed are swept and not charged. */
@QuarkusTest
@TestProfile(MediaExpiryTest.ShortWindows.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
@QuarkusTestResource(S3ProxyTestResource.class)
class MediaExpiryTest {

    public static class ShortWindows implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("secureconnect.media.upload-url-ttl", "3s",
                    "secureconnect.media.upload-window", "6s",
                    "secureconnect.media.sweep-interval", "500ms");
        }
    }

    @Inject
    S3Client s3;

    @BeforeAll
    static void startWallet() {
        TestWallet.get();
    }

    @Test
    void anExpiredUploadUrlIsRefusedByTheStore() throws InterruptedException {
        String grace = newUser();
        TestWallet.topUp(grace, 10);
        String url = as(grace).body("{\"size\":100}").post("/media/uploads").then().statusCode(201)
                .extract().path("uploadUrl");
        Thread.sleep(5000);
        assertEquals(403, Http.put(url, randomBytes(100)));
    }

    @Test
    void anUploadNeverCompletedIsSweptAndItsHoldReleased() {
        String heidi = newUser();
        TestWallet.topUp(heidi, 10);
        String mediaId = as(heidi).body("{\"size\":64}").post("/media/uploads").then().statusCode(201)
                .extract().path("mediaId");
        String url = as(heidi).body("{\"size\":64}").post("/media/uploads").then().statusCode(201)
                .extract().path("uploadUrl");
        // The second slot's bytes arrive but it is never completed: the object goes with the slot.
        assertEquals(200, Http.put(url, randomBytes(64)));
        assertEquals(4, TestWallet.balance(heidi), "two holds of 3");

        TestWallet.awaitBalance(heidi, balance -> balance == 10);
        assertEquals(List.of("PURCHASE", "USAGE", "USAGE", "RELEASE", "RELEASE"), TestWallet.ledgerKinds(heidi));
        as(heidi).post("/media/uploads/" + mediaId + "/complete").then().statusCode(410)
                .body("code", equalTo("MEDIA_GONE"));
        String secondId = url.substring(url.indexOf("/secureconnect-media/") + "/secureconnect-media/".length(),
                url.indexOf('?'));
        assertThrows(NoSuchKeyException.class, () -> s3.headObject(b -> b.bucket("secureconnect-media").key(secondId)));
    }
}
