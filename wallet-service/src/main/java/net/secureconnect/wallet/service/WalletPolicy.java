package net.secureconnect.wallet.service;

import jakarta.inject.Singleton;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.UsageRejectionReason;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The wallet's money rules as a pure function: a wallet and a change in, the ledger entry and the wallet
 * after it out. No I/O, so the rules are tested without infrastructure and applied the same way by the
 * consumer, the admin API and the reference checks.
 */
@Singleton
public class WalletPolicy {

    /** The note of a purchase credited to a closed wallet: support refunds it (metric wallet.closed.credits). */
    public static final String CLOSED_CREDIT = "credited after the account was deleted; refund due";

    private final PriceList prices;

    public WalletPolicy(PriceList prices) {
        this.prices = prices;
    }

    public PriceList prices() {
        return prices;
    }

    /** The outcome of one change: an entry (and the wallet after it), or a refusal that records nothing. */
    public sealed interface Outcome permits Applied, Refused {
    }

    public record Applied(LedgerEntry entry, Wallet after) implements Outcome {
    }

    /** Only admin debits beyond the balance and credits that would overflow the balance are refused. */
    public record Refused(String code, String detail) implements Outcome {
    }

    public Outcome apply(Wallet wallet, Change change, Instant at) {
        if (change instanceof Change.Usage usage) {
            return usage(wallet, usage, at);
        } else if (change instanceof Change.Release release) {
            if (release.held() == null) {
                throw new IllegalArgumentException("a release must be resolved against its authorization first");
            }
            if (release.held() <= 0) {
                return new Refused("NOTHING_TO_RELEASE", "authorization " + release.event().causeId()
                        + " is unknown, was refused or debited nothing");
            }
            return credit(wallet, change, EntryKind.RELEASE, release.held(), at, null, null, null,
                    usageOf(release.event(), null));
        } else if (change instanceof Change.Purchase purchase) {
            // A closed wallet still takes a payment (money must not vanish): credited, marked for a refund.
            return credit(wallet, change, EntryKind.PURCHASE, purchase.event().credits(), at,
                    purchase.event().paymentId(), wallet.closed() ? CLOSED_CREDIT : null, null, null);
        } else if (change instanceof Change.Revocation revocation) {
            long credits = revocation.event().credits();
            long debit = Math.min(wallet.balance(), credits);
            // Down to zero at most: what cannot be taken back is recorded, never a negative balance.
            return applied(wallet, change, EntryKind.REVOCATION, -debit, credits - debit, at, null,
                    revocation.event().paymentId(), revocation.event().reason().name(), null);
        } else if (change instanceof Change.Closing) {
            Applied closing = applied(wallet, change, EntryKind.CLOSED, 0, 0, at, null, null,
                    "balance kept in the ledger; credits arriving later are kept too, refund by support", null);
            return new Applied(closing.entry(),
                    closing.after().closedAt(Math.max(1, ((Change.Closing) change).event().occurredAt().toEpochMilli())));
        } else if (change instanceof Change.Reopening) {
            // The same OIDC subject provisioned again after a deletion: usable again, no second welcome credit.
            Applied reopening = applied(wallet, change, EntryKind.OPENED, 0, 0, at, null, null,
                    "reopened after a deletion", null);
            return new Applied(reopening.entry(), reopening.after().closedAt(0));
        } else if (change instanceof Change.Opening opening) {
            return credit(wallet, change, EntryKind.OPENED, opening.welcomeCredits(), at, null, null, null, null);
        } else if (change instanceof Change.Adjustment adjustment) {
            if (adjustment.credits() < 0 && wallet.balance() < -adjustment.credits()) {
                return new Refused("INSUFFICIENT_CREDITS", "the balance is " + wallet.balance()
                        + ", the adjustment removes " + -adjustment.credits());
            }
            return credit(wallet, change, EntryKind.ADJUSTMENT, adjustment.credits(), at, null,
                    adjustment.reason(), adjustment.requestHash(), null);
        }
        throw new IllegalArgumentException("unknown change " + change.getClass().getSimpleName());
    }

    private Outcome usage(Wallet wallet, Change.Usage change, Instant at) {
        UsageEvent event = change.event();
        long cost = prices.cost(event.kind(), event.units());
        boolean closedRefusal = event.mode() == UsageMode.AUTHORIZE && wallet.closed();
        if (closedRefusal || event.mode() == UsageMode.AUTHORIZE && wallet.balance() < cost) {
            // Recorded, not only answered: a redelivery after a top-up must be refused again.
            LedgerEntry.Usage refused = usageOf(event, closedRefusal ? UsageRejectionReason.ACCOUNT_DELETED
                    : UsageRejectionReason.INSUFFICIENT_CREDITS);
            long version = wallet.version() + 1;
            LedgerEntry entry = new LedgerEntry(wallet.accountId(), change.entryId(), version,
                    EntryKind.USAGE_REJECTED, change.cause(), 0, wallet.balance(), 0, at,
                    wallet.unaffordable(), false, Set.of(), refused, null, null, null);
            return new Applied(entry, new Wallet(wallet.accountId(), wallet.balance(), version,
                    wallet.unaffordable(), wallet.overdraft(), wallet.announced(), true, wallet.closedAt()));
        }
        long debit = Math.min(wallet.balance(), cost);
        return applied(wallet, change, EntryKind.USAGE, -debit, cost - debit, at, usageOf(event, null),
                null, null, null);
    }

    private Outcome credit(Wallet wallet, Change change, EntryKind kind, long credits, Instant at,
                           String paymentId, String note, String requestHash, LedgerEntry.Usage usage) {
        if (credits > 0 && wallet.balance() > Long.MAX_VALUE - credits) {
            return new Refused("BALANCE_OVERFLOW", "crediting " + credits + " would overflow the balance");
        }
        return applied(wallet, change, kind, credits, 0, at, usage, paymentId, note, requestHash);
    }

    private Applied applied(Wallet wallet, Change change, EntryKind kind, long amount, long overdraft, Instant at,
                            LedgerEntry.Usage usage, String paymentId, String note, String requestHash) {
        long balance = wallet.balance() + amount;
        long version = wallet.version() + 1;
        Set<UsageKind> unaffordable = prices.unaffordable(balance);
        Set<UsageKind> added = difference(unaffordable, wallet.unaffordable());
        Set<UsageKind> reinstated = difference(wallet.unaffordable(), unaffordable);
        LedgerEntry entry = new LedgerEntry(wallet.accountId(), change.entryId(), version, kind, change.cause(),
                amount, balance, overdraft, at, unaffordable, !added.isEmpty(), reinstated, usage, paymentId, note,
                requestHash);
        Wallet after = new Wallet(wallet.accountId(), balance, version, unaffordable,
                wallet.overdraft() + overdraft, wallet.announced(), true, wallet.closedAt());
        return new Applied(entry, after);
    }

    private static LedgerEntry.Usage usageOf(UsageEvent event, UsageRejectionReason rejection) {
        return new LedgerEntry.Usage(event.kind(), event.units(), event.mode(), event.causeId(), event.source(),
                rejection);
    }

    private static Set<UsageKind> difference(Set<UsageKind> from, Set<UsageKind> minus) {
        EnumSet<UsageKind> result = EnumSet.noneOf(UsageKind.class);
        result.addAll(from);
        result.removeAll(minus);
        return result;
    }
}
