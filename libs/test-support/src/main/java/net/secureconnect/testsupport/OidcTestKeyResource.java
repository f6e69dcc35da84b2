package net.secureconnect.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Makes the service verify bearer tokens with the local test key instead of an OIDC server: no
 * listener, no network; {@link TestTokens} mints the tokens.
 */
public class OidcTestKeyResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                // Quarkus verifies with the public key only when no auth server is configured.
                "quarkus.oidc.auth-server-url", "",
                "quarkus.oidc.public-key", TestTokens.publicKeyBase64(),
                "quarkus.oidc.token.issuer", TestTokens.ISSUER);
    }

    @Override
    public void stop() {
    }
}
