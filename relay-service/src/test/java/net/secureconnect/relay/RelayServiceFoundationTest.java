package net.secureconnect.relay;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.relay.support.RelayClient;
import net.secureconnect.testsupport.ServiceFoundationTests;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.net.URI;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** relay-service boots against the real Kafka broker and dynoxide and meets the platform contract. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RelayServiceFoundationTest extends ServiceFoundationTests {

    @TestHTTPResource("/")
    URI base;

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

    /** The WebSocket upgrade is the relay's user endpoint: refused before any frame for anyone but an end user. */
    @Test
    void handshakeRefusesServiceAccountsOtherClientsAndTokensWithoutTheUserRole() {
        assertEquals(403, RelayClient.handshakeStatus(base, "Bearer " + TestTokens.serviceAccount("relay-service"), 1));
        assertEquals(403, RelayClient.handshakeStatus(base,
                "Bearer " + TestTokens.serviceAccount("wallet-service", "user"), 1));
        assertEquals(403, RelayClient.handshakeStatus(base,
                "Bearer " + TestTokens.viaClient("secureconnect-e2e", USER, "user"), 1));
        assertEquals(403, RelayClient.handshakeStatus(base, "Bearer " + TestTokens.withoutRoles(USER), 1));
        assertEquals(401, RelayClient.handshakeStatus(base, null, 1));
        // An end user's token is upgraded (then closed 4003: the account has no device 1 here).
        assertEquals(0, RelayClient.handshakeStatus(base, "Bearer " + TestTokens.forUser(USER, "user"), 1));
        assertEquals(0, RelayClient.handshakeStatus(base,
                "Bearer " + TestTokens.viaClient("secureconnect-web", USER, "user"), 1));
    }
}
