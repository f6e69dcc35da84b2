package net.secureconnect.contracts;

import java.time.Instant;
import java.util.Set;

/**
 * A top-up made suspended usage kinds affordable again. The wallet stays {@code SUSPENDED} while
 * other kinds remain unaffordable.
 *
 * @param reinstatedKinds the kinds allowed again by this change
 */
public record AccountReinstated(
        String eventId,
        Instant occurredAt,
        String accountId,
        WalletState wallet,
        String causeEventId,
        Set<UsageKind> reinstatedKinds) implements WalletStateEvent {

    public AccountReinstated {
        Require.common(eventId, occurredAt, accountId);
        Require.present(wallet, "wallet");
        Require.id(causeEventId, "causeEventId");
        reinstatedKinds = Require.nonEmptySet(reinstatedKinds, UsageKind.class, "reinstatedKinds");
    }
}
