package net.secureconnect.relay;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.ServiceFoundationTests;

import java.util.Map;
import java.util.Set;

/** relay-service boots against the real Kafka broker and dynoxide and meets the platform contract. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RelayServiceFoundationTest extends ServiceFoundationTests {

    @Override
    protected String serviceName() {
        return "relay-service";
    }

    @Override
    protected Set<String> tables() {
        return Set.of("relay-queue", "relay-envelopes", "relay-calls");
    }

    @Override
    protected Map<String, Boolean> topics() {
        return Map.of("usage-events", false, "usage-rejected", false, "balances", true, "accounts", false, "balances.dead-letter", false, "usage-rejected.dead-letter", false, "accounts.dead-letter", false, "relay-deliveries", false);
    }
}
