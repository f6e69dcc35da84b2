package net.secureconnect.payment;

import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.testsupport.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything on topic {@code payments} for one account, read with a plain consumer from the beginning up to
 * the end offsets at the time of the call. The service publishes before it answers the webhook, so no
 * waiting is involved: what is not there by then was not published.
 */
public final class PaymentEvents {

    private PaymentEvents() {
    }

    public static List<Event> of(String accountId) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.PAYMENTS.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Event> events = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!accountId.equals(record.key())) {
                        continue;
                    }
                    DecodeResult result = EventJson.decode(Topic.PAYMENTS, record.value());
                    assertTrue(result instanceof DecodeResult.Decoded, "undecodable record: " + result);
                    Event event = ((DecodeResult.Decoded) result).event();
                    assertEquals(accountId, event.accountId(), "record key is the account id");
                    events.add(event);
                }
            }
            return events;
        }
    }
}
