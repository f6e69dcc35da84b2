package net.secureconnect.identity.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * identity-service's own settings ({@code identity.*}; environment form e.g.
 * {@code IDENTITY_DEVICES_MAX_PER_ACCOUNT}). Shared platform settings are in {@code PlatformConfig}.
 */
@ConfigMapping(prefix = "identity")
public interface IdentityConfig {

    Devices devices();

    Outbox outbox();

    /**
     * Overrides of the rate-limit catalogue ({@code RateLimit}, which holds the defaults), one group per
     * limiter, e.g. {@code identity.rate-limits.bundle-fetch-per-pair.capacity=500} or
     * {@code IDENTITY_RATE_LIMITS_BUNDLE_FETCH_PER_PAIR_CAPACITY=500}.
     */
    RateLimits rateLimits();

    /** One entry per limiter of the catalogue; named groups rather than a map, so environment variables resolve. */
    interface RateLimits {
        /** Bundle fetches by one account (default 200, one back every 10 s). */
        @WithName("bundle-fetch-per-requester")
        RateLimitOverride bundleFetchPerRequester();

        /** Bundle fetches of one target's keys by one requester (default 20, one back every 30 s). */
        @WithName("bundle-fetch-per-pair")
        RateLimitOverride bundleFetchPerPair();

        /** Username lookups by one account (default 20, one back every 30 s). */
        @WithName("username-lookup-per-requester")
        RateLimitOverride usernameLookupPerRequester();

        /** Username claims, renames and releases by one account (default 10, one back every 6 min). */
        @WithName("username-change-per-account")
        RateLimitOverride usernameChangePerAccount();

        /** Key uploads, device registrations and identity replacements (default 60, one back every minute). */
        @WithName("key-upload-per-account")
        RateLimitOverride keyUploadPerAccount();
    }

    interface Devices {
        /** Most devices one account may have at a time (Signal's limit is 6). */
        @WithDefault("6")
        int maxPerAccount();
    }

    interface Outbox {
        /** Longest a request waits for the broker to acknowledge an event before leaving it to the sweeper. */
        @WithDefault("10s")
        Duration publishTimeout();

        /** How often the sweeper looks for events that were committed but not published. */
        @WithDefault("10s")
        Duration sweepInterval();

        /**
         * Age after which the sweeper takes over an unpublished event. Longer than a request's own
         * publish attempt, so the two rarely publish the same event (which would still be harmless).
         */
        @WithDefault("30s")
        Duration staleAfter();
    }

    /** Unset values keep the catalogue's default. */
    interface RateLimitOverride {
        /** Bucket size: requests allowed in a burst. */
        OptionalInt capacity();

        /** One request is allowed again per this period once the bucket is empty. */
        Optional<Duration> refillEvery();
    }
}
