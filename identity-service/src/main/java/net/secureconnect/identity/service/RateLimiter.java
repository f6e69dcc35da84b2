package net.secureconnect.identity.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import net.secureconnect.identity.config.IdentityConfig;
import net.secureconnect.runtime.ratelimit.TokenBucket;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Applies the {@link RateLimit} catalogue. Buckets live in this instance's memory (see docs/identity.md:
 * with N instances a limit allows up to N times as much); full buckets are forgotten now and then, so
 * memory follows the number of recently active keys.
 */
@ApplicationScoped
public class RateLimiter {

    /** Look for full buckets to forget once every this many checks. */
    static final int EVICTION_EVERY_CHECKS = 10_000;

    private final Map<RateLimit, Settings> settings = new EnumMap<>(RateLimit.class);
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong checks = new AtomicLong();
    private final LongSupplier clock;
    private final MeterRegistry metrics;

    record Settings(int capacity, Duration refillEvery) {
    }

    @Inject
    public RateLimiter(IdentityConfig config, MeterRegistry metrics) {
        this(limit -> overrideOf(config.rateLimits(), limit), metrics, System::nanoTime);
    }

    RateLimiter(Function<RateLimit, IdentityConfig.RateLimitOverride> overrides, MeterRegistry metrics,
                LongSupplier clock) {
        this.metrics = metrics;
        this.clock = clock;
        for (RateLimit limit : RateLimit.values()) {
            IdentityConfig.RateLimitOverride override = overrides.apply(limit);
            int capacity = override == null ? limit.defaultCapacity()
                    : override.capacity().orElse(limit.defaultCapacity());
            Duration refill = override == null ? limit.defaultRefillEvery()
                    : override.refillEvery().orElse(limit.defaultRefillEvery());
            if (capacity < 1 || refill.isZero() || refill.isNegative()) {
                throw new IllegalStateException("rate limit " + limit.limiterName() + " needs a positive capacity and refill");
            }
            settings.put(limit, new Settings(capacity, refill));
        }
    }

    /** Takes one token from {@code key}'s bucket of {@code limit}, or throws 429 with the wait. */
    public void check(RateLimit limit, String key) {
        long now = clock.getAsLong();
        Settings s = settings.get(limit);
        TokenBucket bucket = buckets.computeIfAbsent(limit.limiterName() + ':' + key,
                k -> new TokenBucket(s.capacity(), s.refillEvery().toNanos(), now));
        long waitNanos = bucket.tryTake(now);
        if (checks.incrementAndGet() % EVICTION_EVERY_CHECKS == 0) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        if (waitNanos > 0) {
            metrics.counter("identity.rate.limited", "limiter", limit.limiterName()).increment();
            throw new RateLimitedException(limit, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos - 1) + 1));
        }
    }

    /** The configuration group of each catalogue entry (exhaustive: a new limiter must get its group). */
    static IdentityConfig.RateLimitOverride overrideOf(IdentityConfig.RateLimits config, RateLimit limit) {
        return switch (limit) {
            case BUNDLE_FETCH_PER_REQUESTER -> config.bundleFetchPerRequester();
            case BUNDLE_FETCH_PER_PAIR -> config.bundleFetchPerPair();
            case USERNAME_LOOKUP_PER_REQUESTER -> config.usernameLookupPerRequester();
            case USERNAME_CHANGE_PER_ACCOUNT -> config.usernameChangePerAccount();
            case KEY_UPLOAD_PER_ACCOUNT -> config.keyUploadPerAccount();
        };
    }

    Settings settings(RateLimit limit) {
        return settings.get(limit);
    }

    int trackedBuckets() {
        return buckets.size();
    }
}
