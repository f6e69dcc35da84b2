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

import java.util.Map;

import static net.secureconnect.media.MediaUploadTest.as;
import static net.secureconnect.media.MediaUploadTest.newUser;
import static net.secureconnect.media.MediaUploadTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With a short URL validity: expired URLs are refused by the store. (Uploads never completed are swept and released
 * in {@link MediaHoldTest}, which moves media-service's clock instead of waiting out a real upload window.)
 */
@QuarkusTest
@TestProfile(MediaExpiryTest.ShortUrls.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
@QuarkusTestResource(S3ProxyTestResource.class)
class MediaExpiryTest {

    public static class ShortUrls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("secureconnect.media.upload-url-ttl", "3s");
        }
    }

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
}
