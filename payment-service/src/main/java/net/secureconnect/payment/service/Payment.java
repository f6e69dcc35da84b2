package net.secureconnect.payment.service;

import java.time.Instant;

/**
 * One top-up attempt of one account. {@code credited} and {@code revoked} say whether CreditsPurchased and
 * CreditsRevoked were written to the outbox; each flips once, which is what makes them exactly-once.
 */
public record Payment(
        String paymentId,
        String accountId,
        String packId,
        long credits,
        long amountMinor,
        String currency,
        String gateway,
        String gatewayRef,
        String checkoutUrl,
        PaymentStatus status,
        boolean credited,
        boolean revoked,
        long version,
        Instant createdAt,
        Instant updatedAt) {
}
