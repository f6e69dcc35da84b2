package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.wallet.messaging.WalletEventConsumer;
import net.secureconnect.wallet.service.Change;
import net.secureconnect.wallet.service.OutboxRelay;
import net.secureconnect.wallet.service.PostingService;
import net.secureconnect.wallet.support.Awaits;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.wallet.support.LedgerTable;
import net.secureconnect.wallet.support.TestEvents;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static net.secureconnect.wallet.UsageCaptureTest.WAIT;
import static net.secureconnect.wallet.support.LedgerTable.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changes that became durable but were never announced — the state a crash between the DynamoDB transaction
 * and the Kafka publish leaves — are announced when the consumer starts again, exactly once each, with the
 * ids and content they would have had.
 *
 * <p>How the crash is simulated: the consumer is stopped (no live path), the changes are written with the
 * service's own posting code, which does not publish, and the consumer is started again, which runs the outbox
 * relay before its first poll, as a restarted process does. The process itself is not killed here;
 * {@code WalletCrashReplayIT} does that.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class OutboxRecoveryTest {

    @Inject
    WalletEventConsumer consumer;
    @Inject
    PostingService posting;
    @Inject
    OutboxRelay outbox;

    private final EventTap tap = EventTap.shared();

    @Test
    void entriesWrittenButNotAnnouncedAreAnnouncedOnTheNextStart() throws Exception {
        String account = TestEvents.newAccount();
        CreditsPurchased topUp = TestEvents.purchase(account, 10);
        UsageEvent minute = TestEvents.capture(account, UsageKind.CALL_MINUTE, 1);          // 10 -> 5
        UsageEvent upload = TestEvents.authorize(account, UsageKind.FILE_TRANSFER, 2);      // 6 > 5: rejected
        UsageEvent messages = TestEvents.capture(account, UsageKind.MESSAGE, 5);            // 5 -> 0
        consumer.stop();
        try {
            List<PostingService.Result> results = posting.post(account, List.of(new Change.Purchase(topUp),
                    new Change.Usage(minute), new Change.Usage(upload), new Change.Usage(messages)));
            results.forEach(result -> assertInstanceOf(PostingService.Posted.class, result));
            Map<String, AttributeValue> wallet = LedgerTable.wallet(account);
            assertEquals(4, number(wallet, "version"));
            assertEquals(0, number(wallet, "announced"));
            assertTrue(wallet.containsKey("outboxShard"), "the wallet is in the outbox index");
            assertTrue(tap.of(account).isEmpty(), "nothing is published before the relay runs");
        } finally {
            consumer.start();
        }

        BalanceChanged credited = awaitBalance(account, topUp.eventId());
        assertEquals(10, credited.wallet().balance());
        assertEquals(EventIds.forCause(EventType.BALANCE_CHANGED, account, "purchase:" + topUp.paymentId()),
                credited.eventId());
        assertEquals(5, awaitBalance(account, minute.eventId()).wallet().balance());
        UsageRejected rejected = tap.await(account, UsageRejected.class,
                event -> event.usageEventId().equals(upload.eventId()), WAIT);
        assertEquals(5, rejected.balance());
        assertEquals(EventIds.forCause(EventType.USAGE_REJECTED, account, "usage:" + upload.eventId()),
                rejected.eventId());
        BalanceChanged emptied = awaitBalance(account, messages.eventId());
        assertEquals(0, emptied.wallet().balance());
        assertEquals(4, emptied.wallet().version());
        tap.await(account, AccountSuspended.class, event -> event.causeEventId().equals(messages.eventId()), WAIT);

        Awaits.until(() -> !LedgerTable.wallet(account).containsKey("outboxShard")
                && number(LedgerTable.wallet(account), "announced") == 4, WAIT, () -> "wallet still in the outbox");
        assertEquals(0, outbox.sweep(Duration.ZERO), "nothing left to announce");
        assertEquals(3, tap.events(account, BalanceChanged.class).size());
        assertEquals(1, tap.events(account, UsageRejected.class).size());
    }

    private BalanceChanged awaitBalance(String account, String cause) {
        return tap.await(account, BalanceChanged.class, event -> event.causeEventId().equals(cause), WAIT);
    }
}
