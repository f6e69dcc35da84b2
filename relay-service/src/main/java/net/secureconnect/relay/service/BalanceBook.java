package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.AccountReinstated;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.contracts.WalletState;
import net.secureconnect.contracts.WalletStateEvent;
import net.secureconnect.relay.config.RelayConfig;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's view of every account's credits: the newest {@link WalletState} from the compacted
 * {@code balances} topic (highest version wins), the kinds the wallet suspended, and the usage this instance
 * has sent to the wallet but not yet seen reflected in a {@link BalanceChanged} (its cause) or refused by a
 * {@link UsageRejected}. Spendable = balance − that pending usage.
 */
@ApplicationScoped
public class BalanceBook {

    private final long reserve;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    /**
     * The wallet's price list from the newest {@code balances} record (by {@code occurredAt}) that carried one;
     * the contract defaults only until the first such record is read. See docs/architecture.md "One price list".
     */
    private PriceList prices = PriceList.defaults();
    private Instant pricesAt = Instant.MIN;

    public BalanceBook(RelayConfig config) {
        this.reserve = config.billing().reserve();
    }

    private static final class Account {
        long balance;
        long version = -1;
        final Set<UsageKind> suspended = EnumSet.noneOf(UsageKind.class);
        /** usage event id → credits, sent by this instance, not yet reflected or refused. */
        final Map<String, Long> pending = new ConcurrentHashMap<>();
        long pendingTotal;
    }

    private Account account(String accountId) {
        return accounts.computeIfAbsent(accountId, id -> new Account());
    }

    /** The wallet's price of one unit of {@code kind}, as last announced on {@code balances}. */
    public synchronized long price(UsageKind kind) {
        return prices.price(kind);
    }

    private synchronized void learnPrices(WalletStateEvent event) {
        event.wallet().priceList().ifPresent(list -> {
            if (!event.occurredAt().isBefore(pricesAt)) {
                prices = list;
                pricesAt = event.occurredAt();
            }
        });
    }

    /** {@link #decide(String, UsageKind, long, String)} for one unit at the wallet's current price. */
    public BillingDecision decide(String accountId, UsageKind kind, String usageEventId) {
        return decide(accountId, kind, price(kind), usageEventId);
    }

    /**
     * Decides how to bill {@code cost} credits of {@code kind} for the usage event {@code usageEventId} and,
     * unless refused, counts them as pending until the wallet answers.
     */
    public BillingDecision decide(String accountId, UsageKind kind, long cost, String usageEventId) {
        Account account = account(accountId);
        synchronized (account) {
            if (account.suspended.contains(kind)) {
                return BillingDecision.REFUSE;
            }
            long spendable = account.balance - account.pendingTotal;
            BillingDecision decision = spendable - cost >= reserve ? BillingDecision.CAPTURE : BillingDecision.AUTHORIZE;
            if (account.pending.putIfAbsent(usageEventId, cost) == null) {
                account.pendingTotal += cost;
            }
            return decision;
        }
    }

    /** Forgets pending usage that was never sent (duplicate envelope, failed write). */
    public void release(String accountId, String usageEventId) {
        Account account = account(accountId);
        synchronized (account) {
            Long cost = account.pending.remove(usageEventId);
            if (cost != null) {
                account.pendingTotal -= cost;
            }
        }
    }

    /** Applies one event of the {@code balances} topic. */
    public void apply(WalletStateEvent event) {
        learnPrices(event);
        Account account = account(event.accountId());
        synchronized (account) {
            WalletState state = event.wallet();
            if (state.version() >= account.version) {
                account.version = state.version();
                account.balance = state.balance();
                if (event instanceof AccountSuspended suspended) {
                    account.suspended.clear();
                    account.suspended.addAll(suspended.unaffordableKinds());
                } else if (event instanceof AccountReinstated reinstated) {
                    account.suspended.removeAll(reinstated.reinstatedKinds());
                }
            }
            // The cause is reflected in this or a newer state: it is no longer pending, whatever the order.
            Long cost = account.pending.remove(causeOf(event));
            if (cost != null) {
                account.pendingTotal -= cost;
            }
        }
    }

    /** Applies a refusal: the usage was not charged. */
    public void apply(UsageRejected rejected) {
        release(rejected.accountId(), rejected.usageEventId());
    }

    public boolean suspended(String accountId, UsageKind kind) {
        Account account = accounts.get(accountId);
        if (account == null) {
            return false;
        }
        synchronized (account) {
            return account.suspended.contains(kind);
        }
    }

    /** Balance minus pending usage, as this instance sees it now. */
    public long spendable(String accountId) {
        Account account = account(accountId);
        synchronized (account) {
            return account.balance - account.pendingTotal;
        }
    }

    private static String causeOf(WalletStateEvent event) {
        if (event instanceof BalanceChanged changed) {
            return changed.causeEventId();
        } else if (event instanceof AccountSuspended suspended) {
            return suspended.causeEventId();
        } else if (event instanceof AccountReinstated reinstated) {
            return reinstated.causeEventId();
        }
        return "";
    }
}
