package net.secureconnect.wallet.service;

import net.secureconnect.contracts.AccountReinstated;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.contracts.WalletState;

import java.util.ArrayList;
import java.util.List;

/**
 * The events a ledger entry announces. Ids are derived from the entry and {@code occurredAt} is the entry's
 * time, so announcing an entry again (after a crash) yields the same records, which consumers drop.
 */
public final class Announcements {

    private Announcements() {
    }

    /**
     * The entry's events. Every wallet state carries {@code prices}, the price list in force now, so relay and
     * media estimate with the wallet's prices (docs/architecture.md "One price list").
     */
    public static List<Event> of(LedgerEntry entry, PriceList prices) {
        List<Event> events = new ArrayList<>(2);
        WalletState after = entry.stateAfter();
        WalletState state = new WalletState(after.balance(), after.version(), after.status(), prices.prices());
        if (entry.kind() == EntryKind.USAGE_REJECTED) {
            LedgerEntry.Usage usage = entry.usage();
            events.add(new UsageRejected(idOf(EventType.USAGE_REJECTED, entry), entry.at(), entry.accountId(),
                    entry.cause(), usage.kind(), usage.units(), usage.rejection(), entry.balanceAfter()));
            return events;
        }
        events.add(new BalanceChanged(idOf(EventType.BALANCE_CHANGED, entry), entry.at(), entry.accountId(), state,
                entry.amount(), entry.cause()));
        if (!entry.reinstated().isEmpty()) {
            events.add(new AccountReinstated(idOf(EventType.ACCOUNT_REINSTATED, entry), entry.at(),
                    entry.accountId(), state, entry.cause(), entry.reinstated()));
        }
        if (entry.suspends()) {
            events.add(new AccountSuspended(idOf(EventType.ACCOUNT_SUSPENDED, entry), entry.at(), entry.accountId(),
                    state, entry.cause(), entry.unaffordable()));
        }
        return events;
    }

    /** The id of the {@code type} event announcing {@code entry}. */
    public static String idOf(EventType type, LedgerEntry entry) {
        return EventIds.forCause(type, entry.accountId(), entry.entryId());
    }
}
