package net.secureconnect.wallet.support;

import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.CreditsRevoked;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.contracts.WalletStateEvent;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static net.secureconnect.wallet.support.LedgerTable.number;
import static net.secureconnect.wallet.support.LedgerTable.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks one account's ledger, wallet and announcements against the events sent for it: exactly one entry per
 * distinct cause, versions without gaps, every entry equal to the reference model's result when the model is
 * fed the entries in the order the service applied them, that order consistent with each topic's order, every
 * entry announced, nothing announced that is not in the ledger.
 */
public final class LedgerCheck {

    private final String account;
    /** The cause of each distinct entry id, in the order first sent, per topic. */
    private final Map<String, Event> causes = new LinkedHashMap<>();
    private final Map<String, List<String>> sendOrderByTopic = new HashMap<>();

    public LedgerCheck(String account) {
        this.account = account;
    }

    public static String entryIdOf(Event event) {
        if (event instanceof UsageEvent usage && usage.mode() == UsageMode.RELEASE) {
            return "release:" + usage.causeId(); // once per authorization, whatever the release's event id
        } else if (event instanceof UsageEvent usage) {
            return "usage:" + usage.eventId();
        } else if (event instanceof CreditsPurchased purchase) {
            return "purchase:" + purchase.paymentId();
        } else if (event instanceof CreditsRevoked revocation) {
            return "revocation:" + revocation.paymentId();
        }
        return "opened";
    }

    /** Records an event as sent (again or for the first time). */
    public void sent(Event event) {
        String entryId = entryIdOf(event);
        if (causes.putIfAbsent(entryId, event) == null) {
            sendOrderByTopic.computeIfAbsent(event.type().topic().topicName(), topic -> new ArrayList<>()).add(entryId);
        }
    }

    public String account() {
        return account;
    }

    /** Entries the ledger must end with: one per distinct cause, less the releases that give back nothing. */
    public int distinctEntries() {
        return causes.size() - emptyReleases(LedgerTable.entries(account)).size();
    }

    /** Ledger entries of the account written so far. */
    public int appliedEntries() {
        return LedgerTable.entries(account).size();
    }

    /** Announcement ids the ledger's entries call for. */
    public Set<String> expectedAnnouncementIds() {
        Set<String> ids = new HashSet<>();
        for (Map<String, AttributeValue> entry : LedgerTable.entries(account)) {
            String entryId = string(entry, "entryId");
            if ("USAGE_REJECTED".equals(string(entry, "kind"))) {
                ids.add(EventIds.forCause(EventType.USAGE_REJECTED, account, entryId));
            } else {
                ids.add(EventIds.forCause(EventType.BALANCE_CHANGED, account, entryId));
            }
        }
        return ids;
    }

    /** Entries applied whose main announcement (BalanceChanged or UsageRejected) the tap has not seen. */
    public int unannounced(EventTap tap) {
        return unannouncedEntries(tap).size();
    }

    private List<String> unannouncedEntries(EventTap tap) {
        Set<String> seen = new HashSet<>();
        tap.of(account).forEach(received -> {
            if (received.event() != null) {
                seen.add(received.event().eventId());
            }
        });
        List<String> missing = new ArrayList<>();
        for (Map<String, AttributeValue> entry : LedgerTable.entries(account)) {
            String entryId = string(entry, "entryId");
            EventType type = "USAGE_REJECTED".equals(string(entry, "kind")) ? EventType.USAGE_REJECTED
                    : EventType.BALANCE_CHANGED;
            if (!seen.contains(EventIds.forCause(type, account, entryId))) {
                missing.add(entryId + " (version " + number(entry, "version") + ", " + string(entry, "kind") + ")");
            }
        }
        return missing;
    }

    public void awaitSettled(EventTap tap, Duration timeout) {
        Awaits.until(() -> appliedEntries() == distinctEntries(), timeout,
                () -> account + ": " + appliedEntries() + " of " + distinctEntries() + " entries applied");
        Awaits.until(() -> unannounced(tap) == 0, timeout,
                () -> account + ": entries not announced: " + unannouncedEntries(tap) + "; wallet "
                        + LedgerTable.wallet(account) + "; seen " + EventTap.describe(tap.of(account)));
    }

    /** Runs every check; returns how many announcements arrived more than once (allowed: same id, same content). */
    public int verify(EventTap tap) {
        List<Map<String, AttributeValue>> ledger = LedgerTable.entries(account);
        // A release of an authorization that debited nothing (refused, unknown) records nothing.
        Set<String> empty = emptyReleases(ledger);
        Set<String> recorded = new HashSet<>(causes.keySet());
        recorded.removeAll(empty);
        assertEquals(recorded, new HashSet<>(ledger.stream().map(entry -> string(entry, "entryId")).toList()),
                "one entry per distinct cause, none lost, none invented");
        assertEquals(recorded.size(), ledger.size());

        ReferenceWallet model = new ReferenceWallet();
        Map<String, List<String>> appliedOrderByTopic = new HashMap<>();
        Map<String, Map<String, AttributeValue>> byCause = new HashMap<>();
        long sum = 0;
        for (int i = 0; i < ledger.size(); i++) {
            Map<String, AttributeValue> entry = ledger.get(i);
            String entryId = string(entry, "entryId");
            assertEquals(i + 1, number(entry, "version"), "versions without gaps");
            Event cause = causes.get(entryId);
            appliedOrderByTopic.computeIfAbsent(cause.type().topic().topicName(), topic -> new ArrayList<>()).add(entryId);
            ReferenceWallet.Expected expected = expect(model, cause);
            assertEquals(expected.amount(), number(entry, "amount"), entryId + " amount");
            assertEquals(expected.balanceAfter(), number(entry, "balanceAfter"), entryId + " balance after");
            assertEquals(expected.overdraft(), number(entry, "overdraft"), entryId + " overdraft");
            assertEquals(expected.rejected(), "USAGE_REJECTED".equals(string(entry, "kind")), entryId + " rejected");
            assertTrue(number(entry, "balanceAfter") >= 0, "never negative");
            assertEquals(cause.eventId(), string(entry, "cause"));
            sum += number(entry, "amount");
            byCause.put(cause.eventId(), entry);
        }
        Map<String, List<String>> sendOrder = new HashMap<>();
        sendOrderByTopic.forEach((topic, ids) -> {
            List<String> recordedIds = ids.stream().filter(id -> !empty.contains(id)).toList();
            if (!recordedIds.isEmpty()) {
                sendOrder.put(topic, recordedIds);
            }
        });
        assertEquals(sendOrder, appliedOrderByTopic, "each topic's order kept");
        Map<String, AttributeValue> wallet = LedgerTable.wallet(account);
        assertEquals(model.balance(), number(wallet, "balance"), "balance = reference model");
        assertEquals(sum, number(wallet, "balance"), "balance = sum of the ledger");
        assertEquals(ledger.size(), number(wallet, "version"));

        // Announcements: each entry's present, each one seen matches an entry (never invented).
        Set<String> expectedIds = expectedAnnouncementIds();
        Set<String> rejectedCauses = new HashSet<>();
        Set<String> announcedIds = new HashSet<>();
        int duplicates = 0;
        for (EventTap.Received received : tap.of(account)) {
            Event event = received.event();
            if (event == null) {
                continue;
            }
            if (!announcedIds.add(event.eventId())) {
                duplicates++;
            }
            if (event instanceof UsageRejected rejected) {
                Map<String, AttributeValue> entry = byCause.get(rejected.usageEventId());
                assertEquals("USAGE_REJECTED", string(entry, "kind"), "a UsageRejected only for a refused authorize");
                assertEquals(number(entry, "balanceAfter"), rejected.balance());
                rejectedCauses.add(rejected.usageEventId());
            } else if (event instanceof WalletStateEvent state) {
                Map<String, AttributeValue> entry = byCause.get(state.causeEventId());
                assertTrue(entry != null, "announced " + state + " without a ledger entry");
                assertEquals(number(entry, "version"), state.wallet().version());
                assertEquals(number(entry, "balanceAfter"), state.wallet().balance());
            }
        }
        Set<String> missing = new HashSet<>(expectedIds);
        missing.removeAll(announcedIds);
        assertTrue(missing.isEmpty(), "every entry announced; missing " + missing.size());
        Set<String> refused = new HashSet<>();
        ledger.stream().filter(entry -> "USAGE_REJECTED".equals(string(entry, "kind")))
                .forEach(entry -> refused.add(string(entry, "cause")));
        assertEquals(refused, rejectedCauses, "every rejected authorize produced a UsageRejected");
        return duplicates;
    }

    /**
     * The releases sent whose authorization the ledger shows debited nothing: refused, or never applied. (The
     * authorizations themselves are checked against the model like every other entry.)
     */
    private Set<String> emptyReleases(List<Map<String, AttributeValue>> ledger) {
        Map<String, Map<String, AttributeValue>> byEntryId = new HashMap<>();
        ledger.forEach(entry -> byEntryId.put(string(entry, "entryId"), entry));
        Set<String> empty = new HashSet<>();
        causes.forEach((entryId, event) -> {
            if (event instanceof UsageEvent usage && usage.mode() == UsageMode.RELEASE) {
                Map<String, AttributeValue> authorization = byEntryId.get("usage:" + usage.causeId());
                boolean debited = authorization != null && "USAGE".equals(string(authorization, "kind"))
                        && "AUTHORIZE".equals(string(authorization, "mode")) && number(authorization, "amount") < 0;
                if (!debited) {
                    empty.add(entryId);
                }
            }
        });
        return empty;
    }

    private static ReferenceWallet.Expected expect(ReferenceWallet model, Event cause) {
        if (cause instanceof UsageEvent usage && usage.mode() == UsageMode.RELEASE) {
            return model.release(usage.causeId());
        } else if (cause instanceof UsageEvent usage) {
            return model.usage(usage.eventId(), usage.kind(), usage.units(), usage.mode());
        } else if (cause instanceof CreditsPurchased purchase) {
            return model.purchase(purchase.credits());
        } else if (cause instanceof CreditsRevoked revocation) {
            return model.revocation(revocation.credits());
        }
        return model.opening();
    }
}
