package net.secureconnect.contracts;

import java.time.Instant;

/**
 * The wallet refused to charge a {@link UsageEvent}. For an {@link UsageMode#AUTHORIZE} event the
 * producer must not carry out the action.
 *
 * @param usageEventId the refused usage event
 * @param balance      the balance when it was refused
 */
public record UsageRejected(
        String eventId,
        Instant occurredAt,
        String accountId,
        String usageEventId,
        UsageKind kind,
        int units,
        UsageRejectionReason reason,
        long balance) implements Event {

    public UsageRejected {
        Require.common(eventId, occurredAt, accountId);
        Require.id(usageEventId, "usageEventId");
        Require.present(kind, "kind");
        Require.range(units, 1, UsageEvent.MAX_UNITS, "units");
        Require.present(reason, "reason");
        Require.atLeast(balance, 0, "balance");
    }
}
