package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.ServiceFoundationTests;
import net.secureconnect.testsupport.StrictJsonRequestTests;
import net.secureconnect.testsupport.TestTokens;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** identity-service boots against the real Kafka broker and dynoxide and meets the platform contract. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class IdentityServiceFoundationTest extends ServiceFoundationTests implements StrictJsonRequestTests {

    @Override
    protected String serviceName() {
        return "identity-service";
    }

    @Override
    protected Set<String> tables() {
        return Set.of("accounts", "subjects", "usernames", "devices", "prekeys", "identity-outbox");
    }

    @Override
    protected Map<String, Boolean> topics() {
        return Map.of("accounts", false);
    }

    @Override
    public JsonEndpoint jsonEndpoint() {
        return new JsonEndpoint("PUT", "/v1/accounts/" + TestTokens.subjectOf(USER) + "/username",
                TestTokens.forUser(USER, "user"), Map.of(), "{\"username\":\"alice\"}");
    }

    @Override
    protected List<UserEndpoint> userEndpoints() {
        String other = TestTokens.subjectOf("bob");
        return List.of(UserEndpoint.get("/v1/session"), UserEndpoint.get("/v1/accounts/me"),
                UserEndpoint.get("/v1/accounts/" + TestTokens.subjectOf(USER) + "/devices"),
                UserEndpoint.get("/v1/bundles/" + other),
                UserEndpoint.post("/v1/accounts/" + TestTokens.subjectOf(USER) + "/devices", Map.of(), "{}"));
    }
}
