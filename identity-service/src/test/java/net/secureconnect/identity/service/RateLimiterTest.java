package net.secureconnect.identity.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.secureconnect.identity.config.IdentityConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token buckets on a clock the test turns by hand. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(Map<String, IdentityConfig.RateLimitOverride> overrides) {
        return new RateLimiter(limit -> overrides.get(limit.limiterName()), new SimpleMeterRegistry(), now::get);
    }

    private static IdentityConfig.RateLimitOverride override(Integer capacity, Duration refill) {
        return new IdentityConfig.RateLimitOverride() {
            @Override
            public OptionalInt capacity() {
                return capacity == null ? OptionalInt.empty() : OptionalInt.of(capacity);
            }

            @Override
            public Optional<Duration> refillEvery() {
                return Optional.ofNullable(refill);
            }
        };
    }

    @Test
    void aFullBucketAllowsItsCapacityThenRefusesWithTheWaitForOneToken() {
        RateLimiter limiter = limiter(Map.of("username-lookup-per-requester", override(2, Duration.ofSeconds(10))));
        limiter.check(RateLimit.USERNAME_LOOKUP_PER_REQUESTER, "a");
        limiter.check(RateLimit.USERNAME_LOOKUP_PER_REQUESTER, "a");
        RateLimitedException refused = assertThrows(RateLimitedException.class,
                () -> limiter.check(RateLimit.USERNAME_LOOKUP_PER_REQUESTER, "a"));
        assertEquals(10, refused.retryAfterSeconds());
        assertEquals(429, refused.status());

        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertEquals(6, assertThrows(RateLimitedException.class,
                () -> limiter.check(RateLimit.USERNAME_LOOKUP_PER_REQUESTER, "a")).retryAfterSeconds());
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertDoesNotThrow(() -> limiter.check(RateLimit.USERNAME_LOOKUP_PER_REQUESTER, "a"));
        assertThrows(RateLimitedException.class, () -> limiter.check(RateLimit.USERNAME_LOOKUP_PER_REQUESTER, "a"));
    }

    @Test
    void keysAndLimitersHaveTheirOwnBuckets() {
        RateLimiter limiter = limiter(Map.of("bundle-fetch-per-pair", override(1, null)));
        limiter.check(RateLimit.BUNDLE_FETCH_PER_PAIR, "a");
        limiter.check(RateLimit.BUNDLE_FETCH_PER_PAIR, "b");
        limiter.check(RateLimit.BUNDLE_FETCH_PER_REQUESTER, "a");
        assertThrows(RateLimitedException.class, () -> limiter.check(RateLimit.BUNDLE_FETCH_PER_PAIR, "a"));
    }

    @Test
    void catalogueDefaultsApplyWithoutOverrides() {
        RateLimiter limiter = limiter(Map.of());
        for (RateLimit limit : RateLimit.values()) {
            assertEquals(limit.defaultCapacity(), limiter.settings(limit).capacity());
            assertEquals(limit.defaultRefillEvery(), limiter.settings(limit).refillEvery());
        }
        RateLimiter partly = limiter(Map.of("key-upload-per-account", override(null, Duration.ofSeconds(5))));
        assertEquals(RateLimit.KEY_UPLOAD_PER_ACCOUNT.defaultCapacity(),
                partly.settings(RateLimit.KEY_UPLOAD_PER_ACCOUNT).capacity());
        assertEquals(Duration.ofSeconds(5), partly.settings(RateLimit.KEY_UPLOAD_PER_ACCOUNT).refillEvery());
    }

    @Test
    void nonsensicalSettingsStopTheService() {
        assertThrows(IllegalStateException.class, () -> limiter(Map.of("bundle-fetch-per-pair", override(0, null))));
        assertThrows(IllegalStateException.class,
                () -> limiter(Map.of("bundle-fetch-per-pair", override(1, Duration.ZERO))));
    }

    @Test
    void fullBucketsAreForgotten() {
        RateLimiter limiter = limiter(Map.of("bundle-fetch-per-requester", override(5, Duration.ofSeconds(1))));
        for (int i = 0; i < RateLimiter.EVICTION_EVERY_CHECKS - 1; i++) {
            limiter.check(RateLimit.BUNDLE_FETCH_PER_REQUESTER, "k" + i);
        }
        assertEquals(RateLimiter.EVICTION_EVERY_CHECKS - 1, limiter.trackedBuckets());
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        limiter.check(RateLimit.BUNDLE_FETCH_PER_REQUESTER, "last");
        assertTrue(limiter.trackedBuckets() <= 1, "only the bucket just used is left: " + limiter.trackedBuckets());
    }
}
