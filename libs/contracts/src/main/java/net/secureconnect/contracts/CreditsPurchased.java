package net.secureconnect.contracts;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A verified payment: the wallet credits it once per {@code paymentId}.
 *
 * @param credits     credits bought
 * @param amountMinor amount paid in the currency's minor unit (cents)
 * @param currency    ISO 4217 code, e.g. {@code EUR}
 */
public record CreditsPurchased(
        String eventId,
        Instant occurredAt,
        String accountId,
        String paymentId,
        long credits,
        long amountMinor,
        String currency) implements Event {

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    public CreditsPurchased {
        Require.common(eventId, occurredAt, accountId);
        Require.id(paymentId, "paymentId");
        Require.atLeast(credits, 1, "credits");
        Require.atLeast(amountMinor, 0, "amountMinor");
        if (!CURRENCY.matcher(Require.present(currency, "currency")).matches()) {
            throw new IllegalArgumentException("currency must be three upper-case letters (ISO 4217), was " + currency);
        }
    }
}
