package net.secureconnect.relay.service;

import io.quarkus.runtime.LaunchMode;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ended-calls cache stays bounded whatever hangups arrive; the TURN secret guard of production. */
class CallMemoryAndSecretTest {

    @Test
    void endedCallsStaysBoundedUnderAFloodOfHangups() {
        EndedCalls ended = new EndedCalls();
        for (int i = 0; i < EndedCalls.CAPACITY * 5; i++) {
            ended.end("call-" + i);
        }
        assertEquals(EndedCalls.CAPACITY, ended.size());
        assertTrue(ended.ended("call-" + (EndedCalls.CAPACITY * 5 - 1)), "the newest are kept");
        assertFalse(ended.ended("call-0"), "the oldest are dropped (the call row stays the truth)");
    }

    @Test
    void productionNeedsItsOwnTurnSecret() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> CallMeter.requireTurnSecret(Optional.empty(), LaunchMode.NORMAL));
        assertTrue(missing.getMessage().contains("RELAY_CALLS_TURN_SECRET"));
        assertThrows(IllegalStateException.class,
                () -> CallMeter.requireTurnSecret(Optional.of(CallMeter.DEV_TURN_SECRET), LaunchMode.NORMAL));
        assertThrows(IllegalStateException.class, () -> CallMeter.requireTurnSecret(Optional.of("  "), LaunchMode.NORMAL));
        assertDoesNotThrow(() -> CallMeter.requireTurnSecret(Optional.of("a-real-secret"), LaunchMode.NORMAL));
        assertDoesNotThrow(() -> CallMeter.requireTurnSecret(Optional.empty(), LaunchMode.DEVELOPMENT));
        assertDoesNotThrow(() -> CallMeter.requireTurnSecret(Optional.empty(), LaunchMode.TEST));
    }
}
