package net.secureconnect.contracts.kafka;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.EventJson;

/**
 * Kafka value serializer for events ({@code value.serializer=net.secureconnect.contracts.kafka.EventSerializer}).
 * Refuses an event whose type does not belong on a known topic, so the mistake fails in the
 * producer instead of dead-lettering in every consumer.
 */
public class EventSerializer implements Serializer<Event> {

    @Override
    public byte[] serialize(String topic, Event event) {
        if (event == null) {
            return null; // a tombstone, e.g. to clear an account from the compacted balances topic
        }
        Topic.byName(topic).ifPresent(known -> {
            if (!known.allows(event.type())) {
                throw new SerializationException(
                        event.type().wireName() + " does not belong on topic " + known.topicName());
            }
        });
        return EventJson.encode(event);
    }
}
