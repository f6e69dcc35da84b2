package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.CreditsRevoked;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.wallet.support.LedgerTable;
import net.secureconnect.wallet.support.TestEvents;
import net.secureconnect.wallet.support.TestKafka;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;

import static net.secureconnect.wallet.UsageCaptureTest.WAIT;
import static net.secureconnect.wallet.support.LedgerTable.number;
import static net.secureconnect.wallet.support.LedgerTable.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Top-ups from payments: credited once per payment id; revocations debited once, to zero at most. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class PaymentsTest {

    private final EventTap tap = EventTap.shared();

    @Test
    void aPurchaseIsCreditedOncePerPaymentId() {
        String account = TestEvents.newAccount();
        CreditsPurchased purchase = TestEvents.purchase("buy-a-" + account, account, "pay-" + account, 50);
        // payment-service retried with a new event id for the same payment: still one credit
        CreditsPurchased retried = TestEvents.purchase("buy-b-" + account, account, "pay-" + account, 50);
        TestKafka.send(purchase);
        TestKafka.send(purchase);
        TestKafka.send(retried);
        CreditsPurchased marker = TestEvents.purchase(account, 1);
        TestKafka.send(marker);

        BalanceChanged last = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(marker.eventId()), WAIT);
        assertEquals(51, last.wallet().balance());
        List<Map<String, AttributeValue>> ledger = LedgerTable.entries(account);
        assertEquals(2, ledger.size());
        assertEquals("purchase:pay-" + account, string(ledger.get(0), "entryId"));
        assertEquals(purchase.eventId(), string(ledger.get(0), "cause"));
    }

    @Test
    void aRevocationIsDebitedOnceDownToZeroWithTheShortfallRecorded() {
        String account = TestEvents.newAccount();
        String payment = "pay-" + account;
        tap.awaitBalance(UsageCaptureTest.paid(TestEvents.purchase("buy-" + account, account, payment, 30)), WAIT);
        UsageEvent messages = TestEvents.capture(account, UsageKind.MESSAGE, 25);
        TestKafka.send(messages);
        tap.awaitBalance(messages, WAIT);
        CreditsRevoked chargeback = TestEvents.revocation("rev-a-" + account, account, payment, 30);
        TestKafka.send(chargeback);
        TestKafka.send(TestEvents.revocation("rev-b-" + account, account, payment, 30));
        CreditsPurchased marker = TestEvents.purchase(account, 3);
        TestKafka.send(marker);

        BalanceChanged revoked = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(chargeback.eventId()), WAIT);
        assertEquals(-5, revoked.delta());
        assertEquals(0, revoked.wallet().balance());
        tap.await(account, AccountSuspended.class, event -> event.causeEventId().equals(chargeback.eventId()), WAIT);
        BalanceChanged last = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(marker.eventId()), WAIT);
        assertEquals(3, last.wallet().balance());
        assertEquals(4, last.wallet().version());

        Map<String, AttributeValue> entry = LedgerTable.entries(account).get(2);
        assertEquals("revocation:" + payment, string(entry, "entryId"));
        assertEquals(-5, number(entry, "amount"));
        assertEquals(25, number(entry, "overdraft"));
        assertEquals("REFUND", string(entry, "note"));
    }
}
