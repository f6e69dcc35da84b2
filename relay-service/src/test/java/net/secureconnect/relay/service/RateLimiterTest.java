package net.secureconnect.relay.service;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token buckets, on a fake clock. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(10, 1000, now::get);

    @Test
    void aBurstOfOneSecondThenTheRefillRate() {
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcquire("a", 1));
        }
        assertFalse(limiter.tryAcquire("a", 1), "the 11th envelope within the same instant");
        assertTrue(limiter.tryAcquire("b", 1), "accounts are limited separately");
        now.addAndGet(100_000_000); // 0.1 s refills one envelope
        assertTrue(limiter.tryAcquire("a", 1));
        assertFalse(limiter.tryAcquire("a", 1));
    }

    @Test
    void bytesPerSecondLimitsLargeEnvelopes() {
        assertTrue(limiter.tryAcquire("a", 600));
        assertFalse(limiter.tryAcquire("a", 600), "1200 bytes > 1000 bytes/s");
        now.addAndGet(200_000_000); // +200 bytes
        assertTrue(limiter.tryAcquire("a", 600));
    }

    @Test
    void aRefusalTakesNothing() {
        assertFalse(limiter.tryAcquire("a", 5000));
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcquire("a", 1));
        }
    }
}
