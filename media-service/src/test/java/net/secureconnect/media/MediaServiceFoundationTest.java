package net.secureconnect.media;

import net.secureconnect.testsupport.ManagementInterface;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.S3ProxyTestResource;
import net.secureconnect.testsupport.ServiceFoundationTests;
import net.secureconnect.testsupport.StrictJsonRequestTests;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** media-service boots against the real Kafka broker, dynoxide and s3proxy and meets the platform contract. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
@QuarkusTestResource(S3ProxyTestResource.class)
class MediaServiceFoundationTest extends ServiceFoundationTests implements StrictJsonRequestTests {

    @Override
    protected String serviceName() {
        return "media-service";
    }

    @Override
    protected Set<String> tables() {
        return Set.of("media", "media-upload-keys");
    }

    @Override
    protected Map<String, Boolean> topics() {
        return Map.of("usage-events", false, "usage-rejected", false, "balances", true, "balances.dead-letter", false,
                "usage-rejected.dead-letter", false, "accounts", false, "accounts.dead-letter", false);
    }

    @Override
    public JsonEndpoint jsonEndpoint() {
        return new JsonEndpoint("POST", "/media/uploads", TestTokens.forUser(USER, "user"), Map.of(), "{\"size\":10}");
    }

    @Test
    void isReadyOnlyWithItsBucketInTheObjectStore() {
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 's3' }.status", equalTo("UP"))
                .body("checks.find { it.name == 's3' }.data.bucket", equalTo("secureconnect-media"));
    }

    @Override
    protected List<UserEndpoint> userEndpoints() {
        return List.of(UserEndpoint.get("/v1/session"), UserEndpoint.get("/media/AAAAAAAAAAAAAAAAAAAAAAAA"),
                UserEndpoint.post("/media/uploads", Map.of(), "{\"size\":10}"));
    }
}
