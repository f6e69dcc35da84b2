package net.secureconnect.wallet;

import net.secureconnect.testsupport.ManagementInterface;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.WalletStatus;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.wallet.support.Metrics;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.wallet.support.Awaits;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.LedgerTable;
import net.secureconnect.wallet.support.TestEvents;
import net.secureconnect.wallet.support.TestKafka;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static net.secureconnect.wallet.support.LedgerTable.number;
import static net.secureconnect.wallet.support.LedgerTable.string;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The thin slice: a captured usage event on usage-events becomes one DynamoDB transaction (ledger entry +
 * wallet) and one BalanceChanged on balances; duplicates change nothing.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class UsageCaptureTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    private final EventTap tap = EventTap.shared();

    @Test
    void aCaptureIsDebitedOnceAndAnnounced() {
        String account = TestEvents.newAccount();
        tap.awaitBalance(paid(TestEvents.purchase(account, 100)), WAIT);
        UsageEvent upload = TestEvents.capture(account, UsageKind.FILE_TRANSFER, 2);
        TestKafka.send(upload);

        BalanceChanged changed = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(upload.eventId()), WAIT);
        assertEquals(94, changed.wallet().balance());
        assertEquals(2, changed.wallet().version());
        assertEquals(-6, changed.delta());
        assertEquals(WalletStatus.ACTIVE, changed.wallet().status());
        // The price list in force travels with the state: relay and media estimate with it (issue 13 §8).
        assertEquals(PriceList.defaults(), changed.wallet().priceList().orElseThrow());

        List<Map<String, AttributeValue>> ledger = LedgerTable.entries(account);
        assertEquals(2, ledger.size());
        Map<String, AttributeValue> entry = ledger.get(1);
        assertEquals("usage:" + upload.eventId(), string(entry, "entryId"));
        assertEquals(-6, number(entry, "amount"));
        assertEquals(94, number(entry, "balanceAfter"));
        assertEquals(2, number(LedgerTable.wallet(account), "version"));
        assertEquals(94, number(LedgerTable.wallet(account), "balance"));
    }

    @Test
    void duplicatesAndRedeliveriesChangeNothing() {
        String account = TestEvents.newAccount();
        tap.awaitBalance(paid(TestEvents.purchase(account, 50)), WAIT);
        UsageEvent message = TestEvents.capture(account, UsageKind.MESSAGE, 1);
        for (int i = 0; i < 4; i++) {
            TestKafka.send(message);
        }
        UsageEvent marker = TestEvents.capture(account, UsageKind.MESSAGE, 3);
        TestKafka.send(marker);

        BalanceChanged last = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(marker.eventId()), WAIT);
        assertEquals(46, last.wallet().balance());
        assertEquals(3, last.wallet().version());
        assertEquals(3, LedgerTable.entries(account).size());
        assertEquals(1, tap.events(account, BalanceChanged.class).stream()
                .filter(event -> event.causeEventId().equals(message.eventId())).count());
    }

    /** Sends a purchase; payments and usage are different topics, so a test that needs it first waits for it. */
    static CreditsPurchased paid(CreditsPurchased purchase) {
        TestKafka.send(purchase);
        return purchase;
    }

    @Test
    void theWalletMetersAreExported() {
        String account = TestEvents.newAccount();
        UsageEvent message = TestEvents.capture(account, UsageKind.MESSAGE, 1);
        TestKafka.send(TestEvents.purchase(account, 5));
        TestKafka.send(message);
        tap.await(account, BalanceChanged.class, event -> event.causeEventId().equals(message.eventId()), WAIT);
        Awaits.until(() -> ManagementInterface.given().accept(ContentType.TEXT).get("/q/metrics").asString()
                .contains("wallet_announce_seconds_count{type=\"BalanceChanged\""), WAIT, () -> "no announce timer");
        ManagementInterface.given().accept(ContentType.TEXT).get("/q/metrics").then().statusCode(200)
                .body(containsString("wallet_events_applied_total{kind=\"USAGE\""))
                .body(containsString("wallet_apply_seconds_count"))
                .body(containsString("wallet_consumer_lag_records"))
                .body(containsString("wallet_overdraft_credits_total"))
                // libs/service-runtime's meters, wired in the wallet: what ConsumerLagHigh, OutboxBacklogOld and
                // KafkaUnreachable read (their meaning is tested in KafkaMetersTest and OutboxBacklogTest).
                .body(containsString("kafka_consumer_fetch_manager_records_lag_max{client=\"wallet-events\""))
                .body(containsString("secureconnect_outbox_oldest_age_seconds{outbox=\"wallet\""));
        Awaits.until(() -> Metrics.value("secureconnect_kafka_reachable") == 1, WAIT, () -> "Kafka not reachable by the probe");
    }
}
