package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.contracts.UsageRejectionReason;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.wallet.service.WalletPolicy;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.wallet.support.LedgerTable;
import net.secureconnect.wallet.support.Metrics;
import net.secureconnect.wallet.support.TestEvents;
import net.secureconnect.wallet.support.TestKafka;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static net.secureconnect.wallet.UsageCaptureTest.WAIT;
import static net.secureconnect.wallet.support.LedgerTable.number;
import static net.secureconnect.wallet.support.LedgerTable.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AccountDeleted, as identity publishes it on {@code accounts}, closes the wallet: no new authorization is held,
 * holds still come back, the balance stays in the ledger, and a payment that arrives afterwards is credited (and
 * counted for a refund), never dropped. The same subject provisioned again reopens it.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class WalletClosingTest {

    private final EventTap tap = EventTap.shared();

    @Test
    void aDeletedAccountsWalletRefusesNewHoldsReleasesOldOnesAndKeepsLatePayments() {
        String account = TestEvents.newAccount();
        tap.awaitBalance(sent(TestEvents.purchase(account, 10)), WAIT);
        UsageEvent upload = TestEvents.authorize(account, UsageKind.FILE_TRANSFER, 1);
        assertEquals(7, tap.awaitBalance(sent(upload), WAIT).wallet().balance());

        AccountDeleted deleted = new AccountDeleted(TestEvents.newId("del"), Instant.now(), account);
        TestKafka.send(deleted);
        BalanceChanged closed = tap.awaitBalance(deleted, WAIT);
        assertEquals(0, closed.delta());
        assertEquals(7, closed.wallet().balance(), "the balance stays");

        // A hold taken before the deletion comes back (media releases a deleted account's pending uploads).
        UsageEvent release = new UsageEvent(TestEvents.newId("rel"), Instant.now(), account, UsageKind.FILE_TRANSFER,
                1, UsageMode.RELEASE, upload.eventId(), "media-service");
        assertEquals(10, tap.awaitBalance(sent(release), WAIT).wallet().balance());

        // Hostile: a client whose token still works (or a replayed request) tries to spend: refused, nothing held.
        UsageEvent message = TestEvents.authorize(account, UsageKind.MESSAGE, 1);
        TestKafka.send(message);
        UsageRejected rejected = tap.await(account, UsageRejected.class,
                event -> event.usageEventId().equals(message.eventId()), WAIT);
        assertEquals(UsageRejectionReason.ACCOUNT_DELETED, rejected.reason());
        assertEquals(10, rejected.balance());

        // A payment completed after the deletion does not vanish: credited to the closed wallet, marked for refund.
        double closedCreditsBefore = Metrics.value("wallet_closed_credits_total");
        CreditsPurchased late = TestEvents.purchase(account, 5);
        assertEquals(15, tap.awaitBalance(sent(late), WAIT).wallet().balance());
        assertEquals(closedCreditsBefore + 5, Metrics.value("wallet_closed_credits_total"));

        TestKafka.send(deleted); // redelivered: closed once
        UsageEvent another = TestEvents.authorize(account, UsageKind.MESSAGE, 1);
        TestKafka.send(another);
        tap.await(account, UsageRejected.class, event -> event.usageEventId().equals(another.eventId()), WAIT);

        List<Map<String, AttributeValue>> ledger = LedgerTable.entries(account);
        assertEquals(List.of("PURCHASE", "USAGE", "CLOSED", "RELEASE", "USAGE_REJECTED", "PURCHASE", "USAGE_REJECTED"),
                ledger.stream().map(entry -> string(entry, "kind")).toList());
        assertEquals(WalletPolicy.CLOSED_CREDIT, string(ledger.get(5), "note"));
        assertEquals(15, number(LedgerTable.wallet(account), "balance"));
        assertEquals(deleted.occurredAt().toEpochMilli(), number(LedgerTable.wallet(account), "closedAt"));

        // The deleted incarnation's AccountCreated, replayed, opens nothing; the same subject provisioned again
        // (identity keeps the account id) reopens the wallet, without a second welcome credit.
        TestKafka.send(new AccountCreated(TestEvents.newId("old"), deleted.occurredAt().minusSeconds(60), account));
        AccountCreated again = new AccountCreated(TestEvents.newId("acc"), Instant.now(), account);
        BalanceChanged reopened = tap.awaitBalance(sent(again), WAIT);
        assertEquals(0, reopened.delta());
        UsageEvent afterReopening = TestEvents.authorize(account, UsageKind.MESSAGE, 1);
        assertTrue(tap.awaitBalance(sent(afterReopening), WAIT).wallet().balance() < 15, "holds work again");
        List<String> kinds = LedgerTable.entries(account).stream().map(entry -> string(entry, "kind")).toList();
        assertEquals(List.of("OPENED", "USAGE"), kinds.subList(7, kinds.size()), "one reopening, then usage");
        assertEquals(0, number(LedgerTable.wallet(account), "closedAt"));
    }

    private static <E extends net.secureconnect.contracts.Event> E sent(E event) {
        TestKafka.send(event);
        return event;
    }
}
