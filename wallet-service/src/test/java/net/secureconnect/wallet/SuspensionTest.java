package net.secureconnect.wallet;

import net.secureconnect.testsupport.ManagementInterface;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.contracts.AccountReinstated;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.WalletStateEvent;
import net.secureconnect.contracts.WalletStatus;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.wallet.support.Metrics;
import net.secureconnect.wallet.support.TestEvents;
import net.secureconnect.wallet.support.TestKafka;
import io.restassured.http.ContentType;
import net.secureconnect.wallet.support.LedgerTable;
import org.apache.kafka.clients.producer.RecordMetadata;
import net.secureconnect.testsupport.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static net.secureconnect.wallet.UsageCaptureTest.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Suspension follows the affordable kinds: a balance that no longer covers a kind publishes AccountSuspended
 * (listing every unaffordable kind), a top-up that makes kinds affordable publishes AccountReinstated. The
 * latency from the causing record to the published event is measured and reported, not asserted.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class SuspensionTest {

    /** Suspend/reinstate cycles measured; one at a time, so the load is low. */
    static final int CYCLES = 60;

    private final EventTap tap = EventTap.shared();

    @Test
    void suspensionAndReinstatementFollowTheAffordableKinds() {
        String account = TestEvents.newAccount();
        CreditsPurchased seven = TestEvents.purchase(account, 7);
        TestKafka.send(seven);
        assertEquals(EnumSet.allOf(UsageKind.class), tap.await(account, AccountReinstated.class,
                event -> event.causeEventId().equals(seven.eventId()), WAIT).reinstatedKinds());

        UsageEvent minute = TestEvents.capture(account, UsageKind.CALL_MINUTE, 1); // 7 -> 2
        TestKafka.send(minute);
        AccountSuspended noCalls = tap.await(account, AccountSuspended.class,
                event -> event.causeEventId().equals(minute.eventId()), WAIT);
        assertEquals(EnumSet.of(UsageKind.CALL_MINUTE, UsageKind.FILE_TRANSFER), noCalls.unaffordableKinds());
        assertEquals(2, noCalls.wallet().balance());

        UsageEvent messages = TestEvents.capture(account, UsageKind.MESSAGE, 2); // 2 -> 0
        TestKafka.send(messages);
        AccountSuspended nothing = tap.await(account, AccountSuspended.class,
                event -> event.causeEventId().equals(messages.eventId()), WAIT);
        assertEquals(EnumSet.allOf(UsageKind.class), nothing.unaffordableKinds());
        assertEquals(0, nothing.wallet().balance());

        CreditsPurchased three = TestEvents.purchase(account, 3); // 0 -> 3: messages and files again, no calls
        TestKafka.send(three);
        AccountReinstated some = tap.await(account, AccountReinstated.class,
                event -> event.causeEventId().equals(three.eventId()), WAIT);
        assertEquals(EnumSet.of(UsageKind.MESSAGE, UsageKind.FILE_TRANSFER), some.reinstatedKinds());
        assertEquals(WalletStatus.SUSPENDED, some.wallet().status());

        CreditsPurchased ten = TestEvents.purchase(account, 10); // 3 -> 13: everything
        TestKafka.send(ten);
        AccountReinstated all = tap.await(account, AccountReinstated.class,
                event -> event.causeEventId().equals(ten.eventId()), WAIT);
        assertEquals(EnumSet.of(UsageKind.CALL_MINUTE), all.reinstatedKinds());
        assertEquals(WalletStatus.ACTIVE, all.wallet().status());
    }

    @Test
    void suspensionLatencyIsMeasuredAtLowLoad() throws Exception {
        String account = TestEvents.newAccount();
        CreditsPurchased first = TestEvents.purchase(account, 1);
        TestKafka.send(first);
        tap.await(account, AccountReinstated.class, event -> event.causeEventId().equals(first.eventId()), WAIT);

        List<Double> endToEnd = new ArrayList<>();
        List<Double> recordToRecord = new ArrayList<>();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            UsageEvent message = TestEvents.capture(account, UsageKind.MESSAGE, 1); // 1 -> 0
            measure(account, message, AccountSuspended.class, endToEnd, recordToRecord);
            CreditsPurchased topUp = TestEvents.purchase(account, 1); // 0 -> 1
            measure(account, topUp, AccountReinstated.class, endToEnd, recordToRecord);
        }
        assertEquals(CYCLES + 1, tap.events(account, AccountReinstated.class).size());
        assertEquals(CYCLES, tap.events(account, AccountSuspended.class).size());

        // The floor under these figures on this machine, measured now: one transaction alone, one send alone.
        String probeTable = "test-latency-probe-" + UUID.randomUUID();
        LedgerTable.client().createTable(b -> b.tableName(probeTable).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        LedgerTable.client().waiter().waitUntilTableExists(b -> b.tableName(probeTable));
        String probeTopic = "test-latency-probe";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(probeTopic)) {
                admin.createTopics(List.of(new NewTopic(probeTopic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
        List<Double> rawTransaction = new ArrayList<>();
        List<Double> rawSend = new ArrayList<>();
        for (int i = 0; i < 2 * CYCLES; i++) {
            long start = System.nanoTime();
            LedgerTable.client().transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().put(Put.builder()
                    .tableName(probeTable).item(Map.of("id", AttributeValue.fromS(UUID.randomUUID().toString())))
                    .conditionExpression("attribute_not_exists(id)").build()).build()));
            rawTransaction.add((System.nanoTime() - start) / 1e6);
            start = System.nanoTime();
            TestKafka.sendRaw(probeTopic, account, new byte[] {'x'});
            rawSend.add((System.nanoTime() - start) / 1e6);
        }
        String page = ManagementInterface.given().accept(ContentType.TEXT).get("/q/metrics").asString();
        String report = String.format(Locale.ROOT,
                "suspension/reinstatement latency, %d events, one at a time:%n"
                        + "  service (record polled -> announcement acknowledged), from /q/metrics:%n"
                        + "    AccountSuspended  p50 %.1f ms  p99 %.1f ms%n"
                        + "    AccountReinstated p50 %.1f ms  p99 %.1f ms%n"
                        + "    (of which record polled -> transaction durable: p50 %.1f ms  p99 %.1f ms, all events)%n"
                        + "  broker timestamps (causing record -> published event): p50 %.1f ms  p99 %.1f ms%n"
                        + "  test end to end (send -> received by a test consumer): p50 %.1f ms  p99 %.1f ms%n"
                        + "  floor, same run: one dynoxide TransactWriteItems p50 %.1f ms p99 %.1f ms;"
                        + " one Kafka send (acks=all) p50 %.1f ms p99 %.1f ms; load average %s%n",
                2 * CYCLES,
                1000 * Metrics.valueIn(page, "wallet_announce_seconds", "type", "AccountSuspended", "quantile", "0.5"),
                1000 * Metrics.valueIn(page, "wallet_announce_seconds", "type", "AccountSuspended", "quantile", "0.99"),
                1000 * Metrics.valueIn(page, "wallet_announce_seconds", "type", "AccountReinstated", "quantile", "0.5"),
                1000 * Metrics.valueIn(page, "wallet_announce_seconds", "type", "AccountReinstated", "quantile", "0.99"),
                1000 * Metrics.valueIn(page, "wallet_apply_seconds", "quantile", "0.5"),
                1000 * Metrics.valueIn(page, "wallet_apply_seconds", "quantile", "0.99"),
                percentile(recordToRecord, 50), percentile(recordToRecord, 99),
                percentile(endToEnd, 50), percentile(endToEnd, 99),
                percentile(rawTransaction, 50), percentile(rawTransaction, 99),
                percentile(rawSend, 50), percentile(rawSend, 99), loadAverage());
        System.out.println(report);
        writeReport(report);
    }

    private <E extends WalletStateEvent> void measure(String account, Event cause, Class<E> type,
                                                      List<Double> endToEnd, List<Double> recordToRecord)
            throws Exception {
        long sent = System.nanoTime();
        RecordMetadata causing = (RecordMetadata) TestKafka.sendAsync(cause).get(30, TimeUnit.SECONDS);
        EventTap.Received received = tap.await(account, record -> type.isInstance(record.event())
                && ((WalletStateEvent) record.event()).causeEventId().equals(cause.eventId()), WAIT);
        endToEnd.add((received.receivedNanos() - sent) / 1e6);
        recordToRecord.add((double) (received.timestamp() - causing.timestamp()));
    }

    static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
    }

    private static void writeReport(String report) throws IOException {
        Path file = Path.of("target", "suspension-latency.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report);
    }
}
