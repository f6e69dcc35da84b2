package net.secureconnect.contracts;

import java.time.Instant;

/** A new account; the wallet opens an empty wallet for it. */
public record AccountCreated(String eventId, Instant occurredAt, String accountId) implements Event {

    public AccountCreated {
        Require.common(eventId, occurredAt, accountId);
    }
}
