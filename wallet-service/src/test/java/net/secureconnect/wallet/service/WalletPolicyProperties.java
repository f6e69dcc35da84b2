package net.secureconnect.wallet.service;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.AccountReinstated;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.CreditsRevoked;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.RevocationReason;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.contracts.WalletStatus;

import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The money rules, without infrastructure, against a model written independently of {@link WalletPolicy}:
 * any sequence of usage, purchases, revocations, openings and adjustments under any price list keeps the
 * balance non-negative and equal to the sum of the entries, records overdraft exactly, and announces
 * suspension and reinstatement exactly when the set of affordable kinds changes.
 */
class WalletPolicyProperties {

    private static final Instant AT = Instant.parse("2025-03-14T09:26:53.589Z");
    private static final String ACCOUNT = "acct-1";

    /** One step; {@code amount} is units, credits or welcome credits depending on the kind. */
    record Step(int type, UsageKind kind, UsageMode mode, int amount) {
    }

    @Provide
    Arbitrary<PriceList> prices() {
        Arbitrary<Long> price = Arbitraries.longs().between(0, 8);
        return Combinators.combine(price, price, price).as((message, minute, file) -> {
            Map<UsageKind, Long> map = new EnumMap<>(UsageKind.class);
            map.put(UsageKind.MESSAGE, message);
            map.put(UsageKind.CALL_MINUTE, minute);
            map.put(UsageKind.FILE_TRANSFER, file);
            return PriceList.of(map);
        });
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.of(UsageKind.class), Arbitraries.of(UsageMode.class), Arbitraries.integers().between(1, 30))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 300)
    void theLedgerMatchesAnIndependentModel(@ForAll("prices") PriceList prices, @ForAll("steps") List<Step> steps) {
        WalletPolicy policy = new WalletPolicy(prices);
        Wallet wallet = Wallet.unopened(ACCOUNT, prices);
        long modelBalance = 0;
        long modelOverdraft = 0;
        long sumOfAmounts = 0;
        Set<UsageKind> announcedUnaffordable = prices.unaffordable(0);
        Set<String> eventIds = new HashSet<>();
        boolean opened = false;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            if (step.type() == 4 && opened) {
                continue; // the ledger's "opened" entry exists: the store refuses it as a duplicate
            }
            opened |= step.type() == 4;
            Change change = changeOf(step, i);
            WalletPolicy.Outcome outcome = policy.apply(wallet, change, AT);

            // the model
            boolean rejected = false;
            long delta;
            long overdraft = 0;
            switch (step.type()) {
                case 0, 1 -> {
                    long cost = prices.price(step.kind()) * step.amount();
                    if (step.mode() == UsageMode.AUTHORIZE && modelBalance < cost) {
                        rejected = true;
                        delta = 0;
                    } else {
                        delta = -Math.min(modelBalance, cost);
                        overdraft = cost + delta;
                    }
                }
                case 2 -> delta = step.amount();
                case 3 -> {
                    delta = -Math.min(modelBalance, step.amount());
                    overdraft = step.amount() + delta;
                }
                case 4 -> delta = step.amount() % 3; // welcome credits 0..2
                default -> {
                    long credits = step.amount() - 15 == 0 ? 1 : step.amount() - 15;
                    if (credits < 0 && modelBalance < -credits) {
                        assertInstanceOf(WalletPolicy.Refused.class, outcome);
                        continue;
                    }
                    delta = credits;
                }
            }

            WalletPolicy.Applied applied = assertInstanceOf(WalletPolicy.Applied.class, outcome);
            LedgerEntry entry = applied.entry();
            modelBalance += delta;
            modelOverdraft += overdraft;
            sumOfAmounts += entry.amount();
            assertEquals(wallet.version() + 1, entry.version());
            assertEquals(delta, entry.amount());
            assertEquals(overdraft, entry.overdraft());
            assertEquals(modelBalance, entry.balanceAfter());
            assertEquals(modelBalance, applied.after().balance());
            assertEquals(sumOfAmounts, applied.after().balance());
            assertEquals(modelOverdraft, applied.after().overdraft());
            assertTrue(entry.balanceAfter() >= 0);
            assertEquals(rejected ? EntryKind.USAGE_REJECTED : kindOf(step.type()), entry.kind());

            List<Event> events = Announcements.of(entry, PriceList.defaults());
            events.forEach(event -> assertTrue(eventIds.add(event.eventId()), "event ids are unique"));
            if (rejected) {
                assertEquals(1, events.size());
                UsageRejected refusal = assertInstanceOf(UsageRejected.class, events.get(0));
                assertEquals(modelBalance, refusal.balance());
                assertEquals(change.cause(), refusal.usageEventId());
            } else {
                Set<UsageKind> now = prices.unaffordable(modelBalance);
                Set<UsageKind> added = minus(now, announcedUnaffordable);
                Set<UsageKind> removed = minus(announcedUnaffordable, now);
                BalanceChanged changed = assertInstanceOf(BalanceChanged.class, events.get(0));
                assertEquals(delta, changed.delta());
                assertEquals(entry.version(), changed.wallet().version());
                assertEquals(now.isEmpty() ? WalletStatus.ACTIVE : WalletStatus.SUSPENDED, changed.wallet().status());
                List<AccountReinstated> reinstated = only(events, AccountReinstated.class);
                List<AccountSuspended> suspended = only(events, AccountSuspended.class);
                assertEquals(removed.isEmpty() ? 0 : 1, reinstated.size());
                reinstated.forEach(event -> assertEquals(removed, event.reinstatedKinds()));
                assertEquals(added.isEmpty() ? 0 : 1, suspended.size());
                suspended.forEach(event -> assertEquals(now, event.unaffordableKinds()));
                assertEquals(1 + reinstated.size() + suspended.size(), events.size());
                announcedUnaffordable = now;
            }
            assertFalse(applied.after().status() == WalletStatus.ACTIVE && !applied.after().unaffordable().isEmpty());
            wallet = applied.after();
        }
    }

    private static Change changeOf(Step step, int index) {
        String id = "event-" + index;
        return switch (step.type()) {
            case 0, 1 -> new Change.Usage(new UsageEvent(id, AT, ACCOUNT, step.kind(), step.amount(), step.mode(),
                    "cause-" + index, "relay-service"));
            case 2 -> new Change.Purchase(new CreditsPurchased(id, AT, ACCOUNT, "pay-" + index, step.amount(), 100, "EUR"));
            case 3 -> new Change.Revocation(new CreditsRevoked(id, AT, ACCOUNT, "pay-r" + index, step.amount(),
                    RevocationReason.CHARGEBACK));
            case 4 -> new Change.Opening(new AccountCreated(id, AT, ACCOUNT), step.amount() % 3);
            default -> new Change.Adjustment(ACCOUNT, "key-" + index,
                    step.amount() - 15 == 0 ? 1 : step.amount() - 15, "correction", "hash");
        };
    }

    private static EntryKind kindOf(int type) {
        return switch (type) {
            case 0, 1 -> EntryKind.USAGE;
            case 2 -> EntryKind.PURCHASE;
            case 3 -> EntryKind.REVOCATION;
            case 4 -> EntryKind.OPENED;
            default -> EntryKind.ADJUSTMENT;
        };
    }

    private static Set<UsageKind> minus(Set<UsageKind> from, Set<UsageKind> minus) {
        EnumSet<UsageKind> result = EnumSet.noneOf(UsageKind.class);
        result.addAll(from);
        result.removeAll(minus);
        return result;
    }

    private static <E> List<E> only(List<Event> events, Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
