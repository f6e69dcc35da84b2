package net.secureconnect.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class EventIdsTest {

    @Test
    void sameCauseSameId() {
        assertEquals(EventIds.derive("relay-service", "env-42"), EventIds.derive("relay-service", "env-42"));
        // Pinned: every service derives ids this way, so a change here would break deduplication across a deploy.
        assertEquals("834e64e7-8d6a-52b6-a63a-a4b3399e34e0", EventIds.forCause(EventType.USAGE_EVENT, "relay-service", "env-42"));
    }

    @Test
    void idsAreVersion5Uuids() {
        UUID id = UUID.fromString(EventIds.derive("x"));
        assertEquals(5, id.version());
        assertEquals(2, id.variant());
    }

    @Test
    void partsAreNotConcatenated() {
        assertNotEquals(EventIds.derive("ab", "c"), EventIds.derive("a", "bc"));
        assertNotEquals(EventIds.derive("a", ""), EventIds.derive("a"));
    }

    @Test
    void theEventTypeIsPartOfTheCause() {
        assertNotEquals(EventIds.forCause(EventType.BALANCE_CHANGED, "u-1"), EventIds.forCause(EventType.ACCOUNT_SUSPENDED, "u-1"));
        assertEquals(EventIds.derive("BalanceChanged", "u-1"), EventIds.forCause(EventType.BALANCE_CHANGED, "u-1"));
    }

    @Test
    void refusesNoParts() {
        assertThrows(IllegalArgumentException.class, EventIds::derive);
        assertThrows(IllegalArgumentException.class, () -> EventIds.derive("a", null));
    }

    @Property(tries = 500)
    void differentCausesDifferentIds(@ForAll String a, @ForAll String b) {
        if (!a.equals(b)) {
            assertNotEquals(EventIds.derive(a), EventIds.derive(b));
        }
    }

    @Property(tries = 200)
    void derivedIdsAreValidEventIds(@ForAll String cause) {
        String id = EventIds.derive(cause);
        new AccountCreated(id, EventSamples.AT, id);
    }
}
