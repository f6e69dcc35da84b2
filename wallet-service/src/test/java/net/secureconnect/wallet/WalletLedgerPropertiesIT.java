package net.secureconnect.wallet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.CreditsRevoked;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.RevocationReason;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.LedgerCheck;
import net.secureconnect.wallet.support.SharedWallet;
import net.secureconnect.wallet.support.TestKafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The wallet as a black box (the packaged service on the real broker and dynoxide) under random interleavings
 * of authorize and capture usage, releases of authorizations, purchases, revocations and account openings for
 * several accounts, with
 * duplicates and replays of earlier stretches. For every account: one ledger entry per distinct cause, the
 * balance equal to the sum of the ledger and to a reference model fed the same events in the order the wallet
 * applied them (an order the test checks against each topic's order), never negative, every entry announced,
 * every refused authorize answered by a UsageRejected and nothing else refused.
 */
class WalletLedgerPropertiesIT {

    /** Bounds the run time: every try sends to and waits for the real service. */
    static final int TRIES = 20;
    static final Duration SETTLE = Duration.ofSeconds(90);

    /**
     * One generated step. {@code type}: 0-3 usage, 4-5 purchase, 6 revocation, 7 opening, 8 duplicate of the
     * step {@code back} places earlier, 9 replay of the last {@code back} steps, 10 release of an earlier
     * authorization of the account ({@code back} authorizations ago; an unknown one if there is none).
     */
    record Step(int type, int account, UsageKind kind, UsageMode mode, int amount, int back) {
    }

    @BeforeContainer
    static void startWallet() {
        SharedWallet.get();
        EventTap.shared();
    }

    @Provide
    Arbitrary<List<Step>> scenarios() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, 10),
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(UsageKind.class),
                Arbitraries.of(UsageMode.AUTHORIZE, UsageMode.CAPTURE),
                Arbitraries.integers().between(1, 12),
                Arbitraries.integers().between(1, 6)).as(Step::new);
        return step.list().ofMinSize(5).ofMaxSize(45);
    }

    @Property(tries = TRIES)
    void everyAccountMatchesTheReferenceModel(@ForAll("scenarios") List<Step> steps) throws Exception {
        String run = UUID.randomUUID().toString();
        Map<Integer, LedgerCheck> checks = new LinkedHashMap<>();
        List<Event> sent = new ArrayList<>();
        List<Future<?>> acks = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            List<Event> events = eventsOf(step, i, run, sent);
            for (Event event : events) {
                checks.computeIfAbsent(accountIndex(event, run), index -> new LedgerCheck(event.accountId()))
                        .sent(event);
                acks.add(TestKafka.sendAsync(event));
            }
            if (step.type() < 8 || step.type() == 10) {
                sent.addAll(events);
            }
        }
        for (Future<?> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
        EventTap tap = EventTap.shared();
        for (LedgerCheck check : checks.values()) {
            check.awaitSettled(tap, SETTLE);
            check.verify(tap);
        }
    }

    private static List<Event> eventsOf(Step step, int index, String run, List<Event> sent) {
        String account = "prop-" + run + "-" + step.account();
        String id = run + "-" + index;
        Instant now = Instant.now();
        return switch (step.type()) {
            case 0, 1, 2, 3 -> List.of(new UsageEvent("use-" + id, now, account, step.kind(),
                    Math.min(step.amount(), 3), step.mode(), "cause-" + id, "relay-service"));
            case 4, 5 -> List.of(new CreditsPurchased("buy-" + id, now, account, "pay-" + id, step.amount(),
                    step.amount() * 10L, "EUR"));
            case 6 -> {
                // Revoke an earlier purchase of this account if there is one (a refund), else an unknown payment.
                String payment = "pay-unknown-" + id;
                for (Event event : sent) {
                    if (event instanceof CreditsPurchased purchase && purchase.accountId().equals(account)) {
                        payment = purchase.paymentId();
                    }
                }
                yield List.of(new CreditsRevoked("rev-" + id, now, account, payment, step.amount(),
                        RevocationReason.REFUND));
            }
            case 7 -> List.of(new AccountCreated("acc-" + id, now, account));
            case 8 -> sent.isEmpty() ? List.of() : List.of(sent.get(Math.max(0, sent.size() - step.back())));
            case 9 -> List.copyOf(sent.subList(Math.max(0, sent.size() - step.back()), sent.size()));
            default -> {
                List<UsageEvent> authorizations = sent.stream()
                        .filter(event -> event instanceof UsageEvent usage && usage.mode() == UsageMode.AUTHORIZE
                                && usage.accountId().equals(account))
                        .map(UsageEvent.class::cast).toList();
                if (authorizations.isEmpty()) {
                    yield List.of(new UsageEvent("rel-" + id, now, account, UsageKind.FILE_TRANSFER, 1,
                            UsageMode.RELEASE, "use-unknown-" + id, "media-service"));
                }
                UsageEvent released = authorizations.get(Math.max(0, authorizations.size() - step.back()));
                yield List.of(new UsageEvent("rel-" + id, now, account, released.kind(), released.units(),
                        UsageMode.RELEASE, released.eventId(), "media-service"));
            }
        };
    }

    private static int accountIndex(Event event, String run) {
        return Integer.parseInt(event.accountId().substring(("prop-" + run + "-").length()));
    }
}
