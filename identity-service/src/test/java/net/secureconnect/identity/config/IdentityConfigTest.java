package net.secureconnect.identity.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented defaults, and the documented environment-variable form of a rate-limit override. */
class IdentityConfigTest {

    private static IdentityConfig load(Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus' "10s" form
                .withMapping(IdentityConfig.class)
                .withSources(new EnvConfigSource(environment, 300))
                .build();
        return config.getConfigMapping(IdentityConfig.class);
    }

    @Test
    void defaults() {
        IdentityConfig config = load(Map.of());
        assertEquals(6, config.devices().maxPerAccount());
        assertEquals(Duration.ofSeconds(10), config.outbox().publishTimeout());
        assertEquals(Duration.ofSeconds(10), config.outbox().sweepInterval());
        assertEquals(Duration.ofSeconds(30), config.outbox().staleAfter());
        assertTrue(config.rateLimits().bundleFetchPerPair().capacity().isEmpty());
        assertTrue(config.rateLimits().keyUploadPerAccount().refillEvery().isEmpty());
    }

    @Test
    void environmentVariablesOverrideSettingsAndRateLimits() {
        IdentityConfig config = load(Map.of(
                "IDENTITY_DEVICES_MAX_PER_ACCOUNT", "3",
                "IDENTITY_RATE_LIMITS_BUNDLE_FETCH_PER_PAIR_CAPACITY", "500",
                "IDENTITY_RATE_LIMITS_BUNDLE_FETCH_PER_PAIR_REFILL_EVERY", "5s"));
        assertEquals(3, config.devices().maxPerAccount());
        IdentityConfig.RateLimitOverride target = config.rateLimits().bundleFetchPerPair();
        assertEquals(500, target.capacity().getAsInt());
        assertEquals(Duration.ofSeconds(5), target.refillEvery().orElseThrow());
    }
}
