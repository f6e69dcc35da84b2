package net.secureconnect.relay.websocket;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionArrivalTest {

    @Test
    void stampsOnlyIncreaseEvenWhenTheClockStepsBackOrStands() {
        ConnectionArrival arrival = new ConnectionArrival();
        long first = arrival.next(1_000);
        long sameInstant = arrival.next(1_000);
        long clockSteppedBack = arrival.next(400);
        long later = arrival.next(5_000);
        assertEquals(1_000, first);
        assertTrue(sameInstant > first, "two requests in one clock tick are still ordered");
        assertTrue(clockSteppedBack > sameInstant, "a clock stepping back does not make a newer request older");
        assertEquals(5_000, later);
    }

    @Test
    void epochNanosRoundTrip() {
        Instant at = Instant.parse("2026-12-05T16:30:00.123456789Z");
        assertEquals(at, ConnectionArrival.arrivedAt(ConnectionArrival.epochNanos(at)));
        Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.5Z");
        assertEquals(beforeEpoch, ConnectionArrival.arrivedAt(ConnectionArrival.epochNanos(beforeEpoch)));
    }
}
