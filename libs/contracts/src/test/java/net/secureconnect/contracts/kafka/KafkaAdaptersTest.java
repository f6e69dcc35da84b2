package net.secureconnect.contracts.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventSamples;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.contracts.json.RecordRejectedException;
import net.secureconnect.contracts.json.RejectionReason;

class KafkaAdaptersTest {

    private final EventSerializer serializer = new EventSerializer();
    private final EventDeserializer deserializer = new EventDeserializer();

    @Provide
    Arbitrary<Event> events() {
        return EventSamples.anyEvent();
    }

    @Property(tries = 300)
    void roundTripOnTheEventsOwnTopic(@ForAll("events") Event event) {
        String topic = event.type().topic().topicName();
        byte[] bytes = serializer.serialize(topic, event);
        assertArrayEquals(EventJson.encode(event), bytes, "the same bytes as EventJson");
        assertEquals(event, deserializer.deserialize(topic, bytes));
    }

    @Test
    void rejectedRecordsThrowWithTheReason() {
        assertReason(RejectionReason.MALFORMED_JSON, "usage-events", "not json".getBytes(StandardCharsets.UTF_8));
        assertReason(RejectionReason.EMPTY_RECORD, "usage-events", new byte[0]);
        assertReason(RejectionReason.UNKNOWN_TYPE, "accounts",
                "{\"type\":\"Nope\",\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8));
        assertReason(RejectionReason.WRONG_TOPIC, "balances", EventJson.encode(EventSamples.sample(EventType.USAGE_EVENT)));
    }

    @Test
    void tombstonesPassThrough() {
        assertNull(deserializer.deserialize("balances", null));
        assertNull(serializer.serialize("balances", null));
    }

    @Test
    void topicsOutsideTheContractAreNotChecked() {
        Event usage = EventSamples.sample(EventType.USAGE_EVENT);
        assertEquals(usage, deserializer.deserialize("test-topic-1", serializer.serialize("test-topic-1", usage)));
    }

    @Test
    void serializerRefusesAnEventOnAForeignTopic() {
        Event usage = EventSamples.sample(EventType.USAGE_EVENT);
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.serialize(Topic.BALANCES.topicName(), usage));
        assertTrue(e.getMessage().contains("balances"), e.getMessage());
    }

    @Test
    void adaptersCloseAndConfigureAsKafkaExpects() {
        // Kafka instantiates them by class name and calls these; the defaults must do nothing harmful.
        serializer.configure(java.util.Map.of(), false);
        deserializer.configure(java.util.Map.of(), false);
        serializer.close();
        deserializer.close();
    }

    private void assertReason(RejectionReason reason, String topic, byte[] bytes) {
        RecordRejectedException e = assertThrows(RecordRejectedException.class, () -> deserializer.deserialize(topic, bytes));
        assertEquals(reason, e.reason());
        assertTrue(e.getMessage().startsWith(reason.name()), e.getMessage());
    }
}
