package net.secureconnect.runtime.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauge {@code secureconnect_outbox_oldest_age_seconds{outbox}}: how long the oldest record that an outbox sweeper
 * found and could not publish has been waiting, 0 when its last pass left nothing behind. The age is computed at
 * scrape time from the record's write time, so it keeps growing while the sweeper fails or stops running: a stuck
 * outbox cannot look healthy. Records younger than the sweeper's grace are not looked at (the request that wrote
 * them is still publishing them), so the gauge is a lower bound by at most that grace.
 *
 * <p>One instance per outbox ({@code identity}, {@code payment}, {@code wallet}, {@code relay-usage}); the sweeper
 * reports each pass through {@link #pass()}. Alert {@code OutboxBacklogOld}.
 */
public final class OutboxBacklog {

    public static final String METER = "secureconnect.outbox.oldest.age";
    private static final long NONE = Long.MAX_VALUE;

    private final Clock clock;
    private final AtomicLong oldestMillis = new AtomicLong(NONE);

    public OutboxBacklog(MeterRegistry registry, String outbox) {
        this(registry, outbox, Clock.systemUTC());
    }

    OutboxBacklog(MeterRegistry registry, String outbox, Clock clock) {
        this.clock = clock;
        Gauge.builder(METER, this, OutboxBacklog::ageSeconds)
                .description("Age of the oldest outbox record the sweeper left unpublished (0: none)")
                .baseUnit("seconds")
                .tag("outbox", outbox)
                .register(registry);
    }

    /** Seconds since the oldest record left behind by the last pass was written; 0 when none. */
    public double ageSeconds() {
        long oldest = oldestMillis.get();
        return oldest == NONE ? 0 : Math.max(0, clock.millis() - oldest) / 1000.0;
    }

    /** Starts a sweeper pass: report every record it leaves unpublished, then {@link Pass#done()}. */
    public Pass pass() {
        return new Pass();
    }

    /**
     * One sweeper pass. A pass that ends without {@code done()} (the store could not even be read) changes nothing:
     * what was left before is still there, and its age keeps growing.
     */
    public final class Pass {
        private long oldest = NONE;

        private Pass() {
        }

        /** A record written at {@code writtenAt} stays in the outbox after this pass. */
        public void left(Instant writtenAt) {
            left(writtenAt.toEpochMilli());
        }

        /** As {@link #left(Instant)}, in epoch milliseconds. */
        public void left(long writtenAtMillis) {
            oldest = Math.min(oldest, writtenAtMillis);
        }

        /** The pass is over: what it reported left is now the backlog (nothing: the outbox is drained). */
        public void done() {
            oldestMillis.set(oldest);
        }
    }
}
