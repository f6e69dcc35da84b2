package net.secureconnect.payment.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which settings production refuses; the packaged start in that profile is {@code ProductionProfileIT}. */
class ProductionGuardTest {

    private static final Map<String, String> REAL_SECRETS = Map.of(
            "payment.razorpay.key-secret", "k3y-from-the-vault", "payment.razorpay.webhook-secret", "wh-from-the-vault");

    @Test
    void productionWithARealGatewayAndRealSecretsPasses() {
        assertEquals(List.of(), ProductionGuard.problems(List.of("prod"), Optional.of("razorpay"), REAL_SECRETS));
        assertEquals(List.of(), ProductionGuard.problems(List.of("prod"), Optional.of("stripe"), Map.of()));
    }

    @Test
    void productionRefusesTheSandboxAndAMissingGateway() {
        List<String> sandbox = ProductionGuard.problems(List.of("prod"), Optional.of("sandbox"), Map.of());
        assertEquals(1, sandbox.size(), sandbox.toString());
        assertTrue(sandbox.get(0).contains("payment.gateway=sandbox"), sandbox.toString());
        List<String> none = ProductionGuard.problems(List.of("prod"), Optional.empty(), Map.of());
        assertTrue(none.get(0).contains("PAYMENT_GATEWAY") && none.get(0).contains("not set"), none.toString());
    }

    @Test
    void productionRefusesThePublicSandboxSecretAndDevOnlySecretsWhereverTheyAreSet() {
        List<String> problems = ProductionGuard.problems(List.of("prod"), Optional.of("stripe"), Map.of(
                "payment.stripe.webhook-secret", ProductionGuard.PUBLIC_SANDBOX_SECRET,
                "quarkus.oidc.credentials.secret", "dev-only-payment-service-secret-xagS95GB-dbKg6XR7oUt64cL",
                "OIDC_CLIENT_SECRET", "dev-only-anything",
                "payment.stripe.secret-key", "sk_live_real"));
        assertEquals(List.of(
                "OIDC_CLIENT_SECRET is a dev-only- secret of the development realm",
                "payment.stripe.webhook-secret is the sandbox's public webhook secret",
                "quarkus.oidc.credentials.secret is a dev-only- secret of the development realm"), problems);
        // The messages name settings, never their values.
        assertTrue(problems.stream().noneMatch(p -> p.contains("xagS95GB")), problems.toString());
    }

    @Test
    void everyOtherProfileCountsAsProduction() {
        assertEquals(1, ProductionGuard.problems(List.of("staging"), Optional.of("sandbox"), Map.of()).size());
        assertEquals(1, ProductionGuard.problems(List.of(), Optional.of("sandbox"), Map.of()).size());
    }

    @Test
    void theDevTestAndLocalProfilesMayUseTheSandboxAndItsPublicSecret() {
        Map<String, String> dev = Map.of("payment.sandbox.webhook-secret", ProductionGuard.PUBLIC_SANDBOX_SECRET);
        for (List<String> profiles : List.of(List.of("dev"), List.of("test"), List.of("local"), List.of("prod", "local"))) {
            assertEquals(List.of(), ProductionGuard.problems(profiles, Optional.of("sandbox"), dev), profiles.toString());
        }
    }
}
