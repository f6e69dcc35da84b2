package net.secureconnect.contracts;

import java.time.Instant;

/**
 * The wallet applied a usage, purchase or revocation.
 *
 * @param delta credits added (positive) or taken (negative) by this change; less than the price
 *              when part of a usage was recorded as overdraft
 */
public record BalanceChanged(
        String eventId,
        Instant occurredAt,
        String accountId,
        WalletState wallet,
        long delta,
        String causeEventId) implements WalletStateEvent {

    public BalanceChanged {
        Require.common(eventId, occurredAt, accountId);
        Require.present(wallet, "wallet");
        Require.id(causeEventId, "causeEventId");
    }
}
