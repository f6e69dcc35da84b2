package net.secureconnect.identity;

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
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reads topic {@code accounts} on the real broker from the beginning with a plain consumer, the way
 * relay and wallet will, and decodes each record with the contracts' codec.
 */
public final class AccountEvents {

    /** Upper bound on waiting for an event, so a missing one fails the test instead of hanging it. */
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);

    private AccountEvents() {
    }

    /**
     * The account's events in topic order, read until {@code complete} accepts them. Every record of the
     * account must be keyed by it and decode as a valid event of this topic.
     */
    public static List<Event> await(String accountId, Predicate<List<Event>> complete) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.ACCOUNTS.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<Event> events = new ArrayList<>();
            long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
            while (!complete.test(events)) {
                if (System.nanoTime() > deadline) {
                    fail("events of account " + accountId + " incomplete after " + GIVE_UP_AFTER + ": " + events);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!accountId.equals(record.key())) {
                        continue;
                    }
                    DecodeResult decoded = EventJson.decode(Topic.ACCOUNTS, record.value());
                    assertTrue(decoded instanceof DecodeResult.Decoded, "record decodes: " + decoded);
                    Event event = ((DecodeResult.Decoded) decoded).event();
                    assertEquals(accountId, event.accountId(), "key is the account id");
                    events.add(event);
                }
            }
            return events;
        }
    }

    /** Waits until an event of this type has arrived; returns all of the account's events up to then. */
    public static List<Event> awaitType(String accountId, Class<? extends Event> type) {
        return await(accountId, events -> events.stream().anyMatch(type::isInstance));
    }

    public static <E extends Event> List<E> ofType(List<Event> events, Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
