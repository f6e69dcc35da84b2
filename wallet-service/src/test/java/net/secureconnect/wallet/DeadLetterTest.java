package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.DeadLetterHeaders;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.wallet.support.EventTap;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.wallet.support.LedgerTable;
import net.secureconnect.wallet.support.TestEvents;
import net.secureconnect.wallet.support.TestKafka;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static net.secureconnect.wallet.UsageCaptureTest.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Poison records go to their topic's dead-letter topic with the reason; the consumer goes on. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class DeadLetterTest {

    private final EventTap tap = EventTap.shared();

    record Poison(Topic topic, String value, String reason) {
    }

    @Test
    void poisonRecordsAreParkedWithTheirReasonAndTheConsumerGoesOn() {
        String account = TestEvents.newAccount();
        String valid = EventJson.encodeToString(TestEvents.capture(account, UsageKind.MESSAGE, 1));
        String purchase = EventJson.encodeToString(TestEvents.purchase(account, 5));
        List<Poison> poisons = List.of(
                new Poison(Topic.USAGE_EVENTS, "charge it!", "MALFORMED_JSON"),
                new Poison(Topic.USAGE_EVENTS, "", "EMPTY_RECORD"),
                new Poison(Topic.USAGE_EVENTS, valid.replace("\"schemaVersion\":1", "\"schemaVersion\":99"),
                        "UNSUPPORTED_SCHEMA_VERSION"),
                new Poison(Topic.USAGE_EVENTS, valid.replace("\"units\":1", "\"units\":-3"), "INVALID_FIELD"),
                new Poison(Topic.USAGE_EVENTS, valid.replace("\"units\":1", "\"units\":50000000"), "INVALID_FIELD"),
                new Poison(Topic.USAGE_EVENTS, valid.replace("\"kind\":\"MESSAGE\"", "\"kind\":\"TELEPORT\""),
                        "INVALID_FIELD"),
                new Poison(Topic.USAGE_EVENTS, purchase, "WRONG_TOPIC"),
                new Poison(Topic.PAYMENTS, purchase.replace("\"credits\":5,", ""), "MISSING_FIELD"),
                new Poison(Topic.ACCOUNTS, "{\"type\":\"AccountMerged\",\"schemaVersion\":1}", "UNKNOWN_TYPE"));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < poisons.size(); i++) {
            Poison poison = poisons.get(i);
            String key = account + "-poison-" + i;
            keys.add(key);
            TestKafka.sendRaw(poison.topic().topicName(), key, poison.value().getBytes(StandardCharsets.UTF_8));
        }
        UsageEvent after = TestEvents.capture(account, UsageKind.MESSAGE, 1);
        tap.awaitBalance(UsageCaptureTest.paid(TestEvents.purchase(account, 10)), WAIT);
        TestKafka.send(after);

        BalanceChanged applied = tap.await(account, BalanceChanged.class,
                event -> event.causeEventId().equals(after.eventId()), WAIT);
        assertEquals(9, applied.wallet().balance());
        for (int i = 0; i < poisons.size(); i++) {
            Poison poison = poisons.get(i);
            EventTap.Received parked = tap.await(keys.get(i),
                    record -> record.topic().equals(poison.topic().deadLetterTopic()), WAIT);
            assertEquals(poison.reason(), parked.headers().get(DeadLetterHeaders.REASON_CODE), poison.value());
            assertEquals(poison.topic().topicName(), parked.headers().get(DeadLetterHeaders.SOURCE_TOPIC));
            assertNotNull(parked.headers().get(DeadLetterHeaders.SOURCE_OFFSET));
            assertNotNull(parked.headers().get(DeadLetterHeaders.SOURCE_PARTITION));
            assertNotNull(parked.headers().get(DeadLetterHeaders.DETAIL));
            assertArrayEquals(poison.value().getBytes(StandardCharsets.UTF_8), parked.value());
            assertEquals(0, LedgerTable.entries(keys.get(i)).size());
        }
    }
}
