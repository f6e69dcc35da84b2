package net.secureconnect.contracts.kafka;

import org.apache.kafka.common.serialization.Deserializer;

import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.contracts.json.RecordRejectedException;

/**
 * Kafka value deserializer for events ({@code value.deserializer=net.secureconnect.contracts.kafka.EventDeserializer}).
 * A record that is not a valid event for its topic throws {@link RecordRejectedException} with the
 * reason; records of topics not in {@link Topic} (e.g. a test topic) are decoded without the topic check.
 */
public class EventDeserializer implements Deserializer<Event> {

    @Override
    public Event deserialize(String topic, byte[] data) {
        if (data == null) {
            return null; // a tombstone: Kafka's convention, legitimate on the compacted balances topic
        }
        return Topic.byName(topic)
                .map(known -> EventJson.decode(known, data))
                .orElseGet(() -> EventJson.decode(data))
                .orElseThrow();
    }
}
