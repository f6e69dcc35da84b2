package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.DeadLetterHeaders;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.contracts.UsageRejectionReason;
import net.secureconnect.contracts.WalletStatus;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.wallet.support.LedgerTable;
import net.secureconnect.wallet.support.Metrics;
import net.secureconnect.wallet.support.TestEvents;
import net.secureconnect.wallet.support.TestKafka;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static net.secureconnect.wallet.UsageCaptureTest.WAIT;
import static net.secureconnect.wallet.support.LedgerTable.number;
import static net.secureconnect.wallet.support.LedgerTable.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Authorize is refused (and the refusal recorded) when the balance is short; capture goes to zero with overdraft. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class AuthorizeAndOverdraftTest {

    private final EventTap tap = EventTap.shared();

    @Test
    void anAuthorizeTheBalanceCannotCoverIsRejectedAndStaysRejected() {
        String account = TestEvents.newAccount();
        tap.awaitBalance(UsageCaptureTest.paid(TestEvents.purchase(account, 4)), WAIT);
        UsageEvent minute = TestEvents.authorize(account, UsageKind.CALL_MINUTE, 1);
        TestKafka.send(minute);

        UsageRejected rejected = tap.await(account, UsageRejected.class,
                event -> event.usageEventId().equals(minute.eventId()), WAIT);
        assertEquals(UsageRejectionReason.INSUFFICIENT_CREDITS, rejected.reason());
        assertEquals(4, rejected.balance());
        assertEquals(UsageKind.CALL_MINUTE, rejected.kind());
        assertEquals(1, rejected.units());
        Map<String, AttributeValue> entry = LedgerTable.entries(account).get(1);
        assertEquals("USAGE_REJECTED", string(entry, "kind"));
        assertEquals(0, number(entry, "amount"));
        assertEquals(4, number(LedgerTable.wallet(account), "balance"));

        // Redelivered after a top-up, it is still refused: the producer already gave the minute up.
        CreditsPurchased topUp = TestEvents.purchase(account, 10);
        TestKafka.send(topUp);
        tap.await(account, BalanceChanged.class, event -> event.causeEventId().equals(topUp.eventId()), WAIT);
        TestKafka.send(minute);
        UsageEvent message = TestEvents.authorize(account, UsageKind.MESSAGE, 1);
        TestKafka.send(message);
        BalanceChanged after = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(message.eventId()), WAIT);
        assertEquals(13, after.wallet().balance());
        assertEquals(1, tap.events(account, UsageRejected.class).size());
        assertEquals(0, tap.events(account, BalanceChanged.class).stream()
                .filter(event -> event.causeEventId().equals(minute.eventId())).count());
    }

    @Test
    void anAuthorizeTheBalanceCoversIsDebited() {
        String account = TestEvents.newAccount();
        tap.awaitBalance(UsageCaptureTest.paid(TestEvents.purchase(account, 5)), WAIT);
        UsageEvent minute = TestEvents.authorize(account, UsageKind.CALL_MINUTE, 1);
        TestKafka.send(minute);

        BalanceChanged changed = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(minute.eventId()), WAIT);
        assertEquals(0, changed.wallet().balance());
        assertEquals(-5, changed.delta());
        AccountSuspended suspended = tap.await(account, AccountSuspended.class,
                event -> event.causeEventId().equals(minute.eventId()), WAIT);
        assertEquals(EnumSet.allOf(UsageKind.class), suspended.unaffordableKinds());
        assertEquals(WalletStatus.SUSPENDED, suspended.wallet().status());
    }

    @Test
    void aCaptureBeyondTheBalanceGoesToZeroAndRecordsTheOverdraft() {
        double overdraftBefore = Metrics.value("wallet_overdraft_credits_total");
        String account = TestEvents.newAccount();
        tap.awaitBalance(UsageCaptureTest.paid(TestEvents.purchase(account, 2)), WAIT);
        UsageEvent upload = TestEvents.capture(account, UsageKind.FILE_TRANSFER, 1);
        TestKafka.send(upload);

        BalanceChanged changed = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(upload.eventId()), WAIT);
        assertEquals(0, changed.wallet().balance());
        assertEquals(-2, changed.delta());
        List<Map<String, AttributeValue>> ledger = LedgerTable.entries(account);
        assertEquals(1, number(ledger.get(1), "overdraft"));
        assertEquals(-2, number(ledger.get(1), "amount"));
        assertEquals(1, number(LedgerTable.wallet(account), "overdraft"));
        assertEquals(overdraftBefore + 1, Metrics.value("wallet_overdraft_credits_total"));
        assertEquals(0, tap.events(account, UsageRejected.class).size());
    }

    @Test
    void aReleaseGivesBackWhatItsAuthorizationTookOnceAndNothingForARefusal() {
        String account = TestEvents.newAccount();
        tap.awaitBalance(UsageCaptureTest.paid(TestEvents.purchase(account, 4)), WAIT);
        UsageEvent upload = TestEvents.authorize(account, UsageKind.FILE_TRANSFER, 1);
        tap.awaitBalance(sent(upload), WAIT);

        // Two release events for the one authorization (a retried sweep), one of them redelivered.
        UsageEvent release = release(upload);
        UsageEvent again = release(upload);
        TestKafka.send(release);
        TestKafka.send(again);
        TestKafka.send(release);
        BalanceChanged given = tap.awaitBalance(release, WAIT);
        assertEquals(3, given.delta());
        assertEquals(4, given.wallet().balance());

        // A release of a refused authorization gives nothing back and is parked with its reason.
        UsageEvent minute = TestEvents.authorize(account, UsageKind.CALL_MINUTE, 1);
        TestKafka.send(minute);
        tap.await(account, UsageRejected.class, event -> event.usageEventId().equals(minute.eventId()), WAIT);
        UsageEvent nothing = release(minute);
        TestKafka.send(nothing);
        EventTap.Received parked = tap.await(account,
                record -> record.topic().equals(Topic.USAGE_EVENTS.deadLetterTopic()), WAIT);
        assertTrue(parked.headers().get(DeadLetterHeaders.DETAIL).startsWith("NOTHING_TO_RELEASE"),
                parked.headers().toString());

        UsageEvent message = TestEvents.capture(account, UsageKind.MESSAGE, 1);
        assertEquals(3, tap.awaitBalance(sent(message), WAIT).wallet().balance());
        List<Map<String, AttributeValue>> ledger = LedgerTable.entries(account);
        assertEquals(List.of("PURCHASE", "USAGE", "RELEASE", "USAGE_REJECTED", "USAGE"),
                ledger.stream().map(entry -> string(entry, "kind")).toList());
        assertEquals("release:" + upload.eventId(), string(ledger.get(2), "entryId"));
        assertEquals(3, number(ledger.get(2), "amount"));
        assertEquals(0, tap.events(account, BalanceChanged.class).stream()
                .filter(event -> event.causeEventId().equals(again.eventId())).count(), "released once");
    }

    private static UsageEvent sent(UsageEvent event) {
        TestKafka.send(event);
        return event;
    }

    private static UsageEvent release(UsageEvent authorization) {
        return new UsageEvent(TestEvents.newId("rel"), Instant.now(), authorization.accountId(),
                authorization.kind(), authorization.units(), UsageMode.RELEASE, authorization.eventId(),
                "media-service");
    }
}
