package net.secureconnect.payment.config;

import io.smallrye.config.SmallRyeConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Refuses to start payment-service outside the dev, test and local profiles with what only those may use:
 * the sandbox gateway (whose public checkout page "pays" for anybody, so it would mint credits), no gateway
 * at all, the sandbox's public webhook secret, or a {@code dev-only-} secret from deploy/keycloak. Any other
 * profile ({@code prod}, the default of a packaged jar, or a custom one) counts as production: the sandbox is
 * opted into by the profile, never by forgetting a setting.
 */
public final class ProductionGuard {

    /** The sandbox's webhook secret in the dev, test and local profiles; published in this repository. */
    public static final String PUBLIC_SANDBOX_SECRET = "whsec_sandbox_local_only";
    /** Prefix of the client secrets in deploy/keycloak's development realm. */
    public static final String DEV_ONLY_PREFIX = "dev-only-";
    /** Profiles the sandbox and the public secrets are for (deploy/local/stack runs {@code local}). */
    public static final Set<String> SANDBOX_PROFILES = Set.of("dev", "test", "local");

    private ProductionGuard() {
    }

    /** Throws {@link IllegalStateException} with every problem found when the active profiles are production. */
    public static void check(SmallRyeConfig config, Optional<String> gateway) {
        List<String> problems = problems(config.getProfiles(), gateway, secrets(config));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("payment-service refuses to start in profile "
                    + String.join(",", config.getProfiles()) + ": " + String.join("; ", problems)
                    + ". The sandbox gateway and the public development secrets are for the profiles "
                    + SANDBOX_PROFILES + " only (deploy/local/stack runs QUARKUS_PROFILE=local).");
        }
    }

    /**
     * What is wrong for these profiles, empty when nothing is. Names settings, never their values.
     *
     * @param secrets every setting whose name contains "secret", by name
     */
    public static List<String> problems(List<String> profiles, Optional<String> gateway, Map<String, String> secrets) {
        if (profiles.stream().anyMatch(SANDBOX_PROFILES::contains)) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        if (gateway.isEmpty()) {
            problems.add("payment.gateway (PAYMENT_GATEWAY) is not set; name the real gateway, stripe or razorpay");
        } else if (gateway.get().equals("sandbox")) {
            problems.add("payment.gateway=sandbox moves no money, and its public checkout page would credit "
                    + "anybody; set PAYMENT_GATEWAY=stripe or razorpay");
        }
        new TreeMap<>(secrets).forEach((name, value) -> {
            if (value.equals(PUBLIC_SANDBOX_SECRET)) {
                problems.add(name + " is the sandbox's public webhook secret");
            } else if (value.startsWith(DEV_ONLY_PREFIX)) {
                problems.add(name + " is a " + DEV_ONLY_PREFIX + " secret of the development realm");
            }
        });
        return problems;
    }

    /** Every setting (property or environment variable) whose name says it is a secret, with its value. */
    static Map<String, String> secrets(SmallRyeConfig config) {
        Map<String, String> secrets = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            // "%dev.…" names are another profile's values, not this one's.
            if (name.startsWith("%") || !name.toLowerCase(Locale.ROOT).contains("secret")) {
                continue;
            }
            try {
                config.getOptionalValue(name, String.class).ifPresent(value -> secrets.put(name, value));
            } catch (RuntimeException e) {
                // An expression that does not resolve is no secret we could leak; the mapping reports it.
            }
        }
        return secrets;
    }
}
