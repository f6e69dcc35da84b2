package net.secureconnect.runtime.outbox;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutboxBacklogTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-05T08:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OutboxBacklog backlog = new OutboxBacklog(registry, "payment", clock);

    private double gauge() {
        return registry.get(OutboxBacklog.METER).tag("outbox", "payment").gauge().value();
    }

    @Test
    void zeroUntilAPassLeavesSomethingBehind() {
        assertEquals(0, gauge());
        backlog.pass().done();
        assertEquals(0, gauge());
    }

    @Test
    void theOldestRecordLeftBehindCountsAndKeepsAgeingUntilAPassDrainsIt() {
        OutboxBacklog.Pass pass = backlog.pass();
        pass.left(now.get().minusSeconds(30));
        pass.left(now.get().minusSeconds(90));
        pass.left(now.get().minusSeconds(60));
        pass.done();
        assertEquals(90, gauge());

        // No pass completes (the store cannot be read, the sweeper hangs): the backlog keeps its age.
        now.set(now.get().plusSeconds(600));
        backlog.pass(); // started, never done
        assertEquals(690, gauge());

        backlog.pass().done();
        assertEquals(0, gauge());
    }

    @Test
    void aPassReplacesWhatTheLastOneLeft() {
        OutboxBacklog.Pass first = backlog.pass();
        first.left(now.get().minusSeconds(500));
        first.done();
        OutboxBacklog.Pass second = backlog.pass();
        second.left(now.get().minusSeconds(20));
        second.done();
        assertEquals(20, gauge());
    }
}
