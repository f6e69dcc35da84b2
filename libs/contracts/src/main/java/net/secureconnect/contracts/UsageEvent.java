package net.secureconnect.contracts;

import java.time.Instant;

/**
 * A paid action to charge to {@code accountId}, the payer. Relay publishes MESSAGE and
 * CALL_MINUTE, media publishes FILE_TRANSFER; the wallet applies each event id once.
 *
 * @param units   how many units of {@code kind} (minutes, envelopes, uploads)
 * @param causeId what the producer charged for: the envelope id, call id plus minute, or upload id; for
 *                {@link UsageMode#RELEASE}, the event id of the AUTHORIZE it gives back
 * @param source  the producing service, e.g. {@code relay-service}
 */
public record UsageEvent(
        String eventId,
        Instant occurredAt,
        String accountId,
        UsageKind kind,
        int units,
        UsageMode mode,
        String causeId,
        String source) implements Event {

    public static final int MAX_UNITS = 10_000;

    public UsageEvent {
        Require.common(eventId, occurredAt, accountId);
        Require.present(kind, "kind");
        Require.range(units, 1, MAX_UNITS, "units");
        Require.present(mode, "mode");
        Require.id(causeId, "causeId");
        Require.id(source, "source");
    }
}
