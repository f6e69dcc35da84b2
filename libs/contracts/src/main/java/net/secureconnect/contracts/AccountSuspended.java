package net.secureconnect.contracts;

import java.time.Instant;
import java.util.Set;

/**
 * The balance no longer covers some usage kinds: relays refuse them and end running calls.
 *
 * @param unaffordableKinds every kind the balance does not cover now, not only the newly refused
 *                          ones, so this record alone tells a consumer what to refuse
 */
public record AccountSuspended(
        String eventId,
        Instant occurredAt,
        String accountId,
        WalletState wallet,
        String causeEventId,
        Set<UsageKind> unaffordableKinds) implements WalletStateEvent {

    public AccountSuspended {
        Require.common(eventId, occurredAt, accountId);
        Require.present(wallet, "wallet");
        if (wallet.status() != WalletStatus.SUSPENDED) {
            throw new IllegalArgumentException("wallet.status of AccountSuspended must be SUSPENDED");
        }
        Require.id(causeEventId, "causeEventId");
        unaffordableKinds = Require.nonEmptySet(unaffordableKinds, UsageKind.class, "unaffordableKinds");
    }
}
