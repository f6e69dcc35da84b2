package net.secureconnect.contracts;

import java.time.Instant;

/** The account is gone: relays drop its queues and connections, the wallet closes its wallet. */
public record AccountDeleted(String eventId, Instant occurredAt, String accountId) implements Event {

    public AccountDeleted {
        Require.common(eventId, occurredAt, accountId);
    }
}
