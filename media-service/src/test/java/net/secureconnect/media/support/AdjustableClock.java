package net.secureconnect.media.support;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * media-service's clock in the tests: the system clock plus an offset a test moves forward, so "the upload window
 * is over" is a step of the test, not a wait that races the sweep. Offset 0 (every test but the expiry ones): the
 * system clock. The presigned URLs and the object store keep real time.
 */
@Alternative
@Priority(1)
@Singleton
public class AdjustableClock extends Clock {

    private static final AtomicReference<Duration> OFFSET = new AtomicReference<>(Duration.ZERO);

    /** Moves media-service's time forward by {@code by}. */
    public static void advance(Duration by) {
        OFFSET.accumulateAndGet(by, Duration::plus);
    }

    public static void reset() {
        OFFSET.set(Duration.ZERO);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(OFFSET.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("media-service keeps its times in UTC");
    }
}
