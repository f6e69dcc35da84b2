package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.ServiceFoundationTests;
import net.secureconnect.testsupport.StrictJsonRequestTests;
import net.secureconnect.testsupport.TestTokens;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** wallet-service boots against the real Kafka broker and dynoxide and meets the platform contract. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class WalletServiceFoundationTest extends ServiceFoundationTests implements StrictJsonRequestTests {

    @Override
    protected String serviceName() {
        return "wallet-service";
    }

    @Override
    protected Set<String> tables() {
        return Set.of("wallets", "ledger");
    }

    @Override
    protected Map<String, Boolean> topics() {
        return Map.of("usage-events", false, "usage-rejected", false, "balances", true, "payments", false, "accounts", false, "usage-events.dead-letter", false, "payments.dead-letter", false, "accounts.dead-letter", false);
    }

    @Override
    public JsonEndpoint jsonEndpoint() {
        return new JsonEndpoint("POST", "/admin/wallets/" + TestTokens.subjectOf(USER) + "/adjustments",
                TestTokens.forUser("root", "user", "admin"), Map.of("Idempotency-Key", "strict-json-probe"),
                "{\"credits\":5,\"reason\":\"probe\"}");
    }

    @Override
    protected List<UserEndpoint> userEndpoints() {
        return List.of(UserEndpoint.get("/v1/session"), UserEndpoint.get("/wallet"), UserEndpoint.get("/wallet/ledger"),
                UserEndpoint.get("/wallets/" + TestTokens.subjectOf(USER)));
    }

    @Override
    protected List<String> publicEndpoints() {
        return List.of("/pricing");
    }
}
