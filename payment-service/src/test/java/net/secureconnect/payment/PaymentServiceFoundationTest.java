package net.secureconnect.payment;

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

/** payment-service boots against the real Kafka broker and dynoxide and meets the platform contract. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class PaymentServiceFoundationTest extends ServiceFoundationTests implements StrictJsonRequestTests {

    @Override
    protected String serviceName() {
        return "payment-service";
    }

    @Override
    protected Set<String> tables() {
        return Set.of("payments", "payment-gateway-refs", "webhook-events", "payment-idempotency-keys", "payment-outbox");
    }

    @Override
    protected Map<String, Boolean> topics() {
        return Map.of("payments", false);
    }

    @Override
    public JsonEndpoint jsonEndpoint() {
        return new JsonEndpoint("POST", "/topups", TestTokens.forUser(USER, "user"), Map.of("Idempotency-Key", "strict-json-probe"),
                "{\"packId\":\"starter\"}");
    }

    @Override
    protected List<UserEndpoint> userEndpoints() {
        return List.of(UserEndpoint.get("/v1/session"), UserEndpoint.get("/topups/packs"), UserEndpoint.get("/payments"),
                UserEndpoint.post("/topups", Map.of("Idempotency-Key", "service-account-probe"), "{\"packId\":\"small\"}"));
    }

    @Override
    protected List<String> publicEndpoints() {
        return List.of("/sandbox/checkout/no-such-payment");
    }
}
