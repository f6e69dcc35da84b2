package net.secureconnect.identity.service;

import java.time.Duration;

/**
 * The catalogue of every rate limiter in identity-service and its defaults: a token bucket per key
 * holding {@code capacity} tokens, one coming back every {@code refillEvery}. Each entry can be overridden
 * with {@code identity.rate-limits.<name>.capacity} / {@code .refill-every} (IdentityConfig.RateLimits).
 */
public enum RateLimit {
    /** Bundle fetches by one account (both bundle endpoints). */
    BUNDLE_FETCH_PER_REQUESTER("bundle-fetch-per-requester", 200, Duration.ofSeconds(10)),
    /**
     * Bundle fetches of one target's keys by one requester: slows one account draining someone's one-time keys
     * without letting it lock everyone else out of that target (a per-target bucket shared by all requesters did).
     */
    BUNDLE_FETCH_PER_PAIR("bundle-fetch-per-pair", 20, Duration.ofSeconds(30)),
    /** Username lookups by one account: slows enumeration down. */
    USERNAME_LOOKUP_PER_REQUESTER("username-lookup-per-requester", 20, Duration.ofSeconds(30)),
    /** Username claims, renames and releases by one account. */
    USERNAME_CHANGE_PER_ACCOUNT("username-change-per-account", 10, Duration.ofMinutes(6)),
    /** Key uploads, device registrations and identity replacements: each costs signature checks. */
    KEY_UPLOAD_PER_ACCOUNT("key-upload-per-account", 60, Duration.ofMinutes(1));

    private final String limiterName;
    private final int defaultCapacity;
    private final Duration defaultRefillEvery;

    RateLimit(String limiterName, int defaultCapacity, Duration defaultRefillEvery) {
        this.limiterName = limiterName;
        this.defaultCapacity = defaultCapacity;
        this.defaultRefillEvery = defaultRefillEvery;
    }

    /** The name in configuration, metrics and problem details. */
    public String limiterName() {
        return limiterName;
    }

    public int defaultCapacity() {
        return defaultCapacity;
    }

    public Duration defaultRefillEvery() {
        return defaultRefillEvery;
    }
}
