package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.AccountReinstated;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.WalletStatus;
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

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static net.secureconnect.wallet.UsageCaptureTest.WAIT;
import static net.secureconnect.wallet.support.LedgerTable.number;
import static net.secureconnect.wallet.support.LedgerTable.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AccountCreated opens a wallet once (welcome credits default 0); the first event of an unknown account does too. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class AccountOpeningTest {

    private final EventTap tap = EventTap.shared();

    @Test
    void accountCreatedOpensAnEmptyWalletOnce() {
        String account = TestEvents.newAccount();
        AccountCreated created = TestEvents.created(account);
        TestKafka.send(created);
        BalanceChanged opened = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(created.eventId()), WAIT);
        assertEquals(0, opened.wallet().balance());
        assertEquals(1, opened.wallet().version());
        assertEquals(WalletStatus.SUSPENDED, opened.wallet().status());

        TestKafka.send(TestEvents.created(account)); // identity-service published it again under a new id
        CreditsPurchased topUp = TestEvents.purchase(account, 5);
        TestKafka.send(topUp);
        AccountReinstated reinstated = tap.await(account, AccountReinstated.class,
                event -> event.causeEventId().equals(topUp.eventId()), WAIT);
        assertEquals(EnumSet.allOf(UsageKind.class), reinstated.reinstatedKinds());
        assertEquals(WalletStatus.ACTIVE, reinstated.wallet().status());
        assertEquals(2, reinstated.wallet().version());

        List<Map<String, AttributeValue>> ledger = LedgerTable.entries(account);
        assertEquals(2, ledger.size());
        assertEquals("opened", string(ledger.get(0), "entryId"));
        assertEquals("OPENED", string(ledger.get(0), "kind"));
        // An empty wallet starts suspended; opening it is not a suspension.
        assertTrue(tap.events(account, AccountSuspended.class).isEmpty());
    }

    @Test
    void theFirstEventOfAnUnknownAccountOpensItsWalletAndAccountCreatedStillCountsOnce() {
        String account = TestEvents.newAccount();
        CreditsPurchased topUp = TestEvents.purchase(account, 10);
        TestKafka.send(topUp);
        BalanceChanged first = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(topUp.eventId()), WAIT);
        assertEquals(1, first.wallet().version());
        assertEquals(10, first.wallet().balance());

        AccountCreated created = TestEvents.created(account);
        TestKafka.send(created);
        TestKafka.send(created);
        BalanceChanged opened = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(created.eventId()), WAIT);
        assertEquals(10, opened.wallet().balance());
        assertEquals(2, opened.wallet().version());
        assertEquals(2, LedgerTable.entries(account).size());
        assertEquals(2, number(LedgerTable.wallet(account), "version"));
    }
}
