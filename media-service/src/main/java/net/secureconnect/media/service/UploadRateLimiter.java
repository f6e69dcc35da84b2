package net.secureconnect.media.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.media.config.MediaConfig;
import net.secureconnect.runtime.ratelimit.TokenBucket;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * New upload slots per account: each one costs a wallet round trip, a row and maybe a multipart upload, paid or
 * not. Buckets live in this instance's memory (with N instances up to N times the limit, as in identity); full
 * buckets are forgotten now and then, so memory follows the number of recently active accounts.
 */
@ApplicationScoped
public class UploadRateLimiter {

    private static final int EVICTION_EVERY_CHECKS = 10_000;

    private final int capacity;
    private final long refillNanos;
    private final MeterRegistry metrics;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong checks = new AtomicLong();

    public UploadRateLimiter(MediaConfig config, MeterRegistry metrics) {
        this.capacity = config.uploadRateCapacity();
        this.refillNanos = config.uploadRateRefillEvery().toNanos();
        this.metrics = metrics;
        if (capacity < 1 || refillNanos < 1) {
            throw new IllegalStateException("secureconnect.media.upload-rate-* needs a positive capacity and refill");
        }
    }

    /** Takes one token of {@code accountId}'s bucket, or throws 429 RATE_LIMITED with the seconds to wait. */
    public void check(String accountId) {
        long now = System.nanoTime();
        long waitNanos = buckets.computeIfAbsent(accountId, k -> new TokenBucket(capacity, refillNanos, now))
                .tryTake(now);
        if (checks.incrementAndGet() % EVICTION_EVERY_CHECKS == 0) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        if (waitNanos > 0) {
            metrics.counter("media_uploads_total", "outcome", "rate_limited").increment();
            throw new RateLimitedException(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos - 1) + 1));
        }
    }

    /** 429 with Retry-After (whole seconds), mapped by {@code MediaProblemMappers}. */
    public static final class RateLimitedException extends net.secureconnect.runtime.rest.ProblemException {

        private final long retryAfterSeconds;

        RateLimitedException(long retryAfterSeconds) {
            super(429, "RATE_LIMITED", "Too many requests",
                    "too many new uploads from this account; retry in " + retryAfterSeconds + " s");
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
