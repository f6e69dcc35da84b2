package net.secureconnect.contracts;

import java.time.Instant;

/**
 * Credits of an earlier purchase taken back; the wallet debits them once per {@code paymentId}.
 *
 * @param credits credits to take back
 */
public record CreditsRevoked(
        String eventId,
        Instant occurredAt,
        String accountId,
        String paymentId,
        long credits,
        RevocationReason reason) implements Event {

    public CreditsRevoked {
        Require.common(eventId, occurredAt, accountId);
        Require.id(paymentId, "paymentId");
        Require.atLeast(credits, 1, "credits");
        Require.present(reason, "reason");
    }
}
