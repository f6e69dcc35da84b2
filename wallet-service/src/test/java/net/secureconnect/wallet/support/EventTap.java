package net.secureconnect.wallet.support;

import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.testsupport.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Everything the wallet publishes, read from the real broker by a test-side consumer that starts at the
 * beginning of every topic: balances, usage-rejected and the dead-letter topics, indexed by record key.
 */
public final class EventTap {

    static final List<String> TOPICS = List.of(Topic.BALANCES.topicName(), Topic.USAGE_REJECTED.topicName(),
            Topic.USAGE_EVENTS.deadLetterTopic(), Topic.PAYMENTS.deadLetterTopic(), Topic.ACCOUNTS.deadLetterTopic());

    private static EventTap shared;

    private final Map<String, List<Received>> byKey = new ConcurrentHashMap<>();
    private final List<Received> all = new CopyOnWriteArrayList<>();

    /**
     * One record as received.
     *
     * @param event        the decoded event; null on dead-letter topics (their value is the poison record)
     * @param receivedNanos {@link System#nanoTime()} when this test JVM received it
     */
    public record Received(String topic, String key, Event event, byte[] value, Map<String, String> headers,
                           long timestamp, long receivedNanos) {
    }

    /** The JVM's tap, started on first use; it reads until the JVM ends. */
    public static synchronized EventTap shared() {
        if (shared == null) {
            shared = new EventTap();
            shared.start();
        }
        return shared;
    }

    private void start() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<TopicPartition> partitions = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (String topic : TOPICS) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            while ((infos == null || infos.isEmpty()) && System.nanoTime() < deadline) {
                Awaits.sleep(100); // the service creates its topics at startup
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            }
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Thread reader = new Thread(() -> {
            while (true) {
                try {
                    read(consumer);
                } catch (RuntimeException e) {
                    // Keep reading: a tap that dies silently would look like lost announcements.
                    System.err.println("[event-tap] " + e);
                }
            }
        }, "test-event-tap");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(KafkaConsumer<String, byte[]> consumer) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
            long now = System.nanoTime();
            Event event = null;
            if (!record.topic().endsWith(Topic.DEAD_LETTER_SUFFIX)) {
                DecodeResult decoded = EventJson.decode(Topic.byName(record.topic()).orElseThrow(), record.value());
                event = decoded.orElseThrow();
            }
            Map<String, String> headers = new HashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
            Received received = new Received(record.topic(), record.key(), event, record.value(), headers,
                    record.timestamp(), now);
            all.add(received);
            byKey.computeIfAbsent(String.valueOf(record.key()), key -> new CopyOnWriteArrayList<>()).add(received);
        }
    }

    /** Every record keyed by {@code key} so far, in arrival order. */
    public List<Received> of(String key) {
        return List.copyOf(byKey.getOrDefault(key, List.of()));
    }

    /** The events keyed by {@code key} of one type, in arrival order. */
    public <E extends Event> List<E> events(String key, Class<E> type) {
        List<E> events = new ArrayList<>();
        for (Received received : of(key)) {
            if (type.isInstance(received.event())) {
                events.add(type.cast(received.event()));
            }
        }
        return events;
    }

    /** Waits until a record of {@code key} matches, and returns the first that does. */
    public Received await(String key, Predicate<Received> match, Duration timeout) {
        Received[] found = new Received[1];
        Awaits.until(() -> {
            for (Received received : of(key)) {
                if (match.test(received)) {
                    found[0] = received;
                    return true;
                }
            }
            return false;
        }, timeout, () -> "no matching record for " + key + " among " + describe(of(key)));
        return found[0];
    }

    /** Waits for the first event of {@code type} of {@code key} that matches. */
    public <E extends Event> E await(String key, Class<E> type, Predicate<E> match, Duration timeout) {
        return type.cast(await(key, received -> type.isInstance(received.event())
                && match.test(type.cast(received.event())), timeout).event());
    }

    /** Waits for the BalanceChanged that {@code cause} produced. */
    public net.secureconnect.contracts.BalanceChanged awaitBalance(Event cause, Duration timeout) {
        return await(cause.accountId(), net.secureconnect.contracts.BalanceChanged.class,
                event -> event.causeEventId().equals(cause.eventId()), timeout);
    }

    public List<Received> all() {
        return List.copyOf(all);
    }

    public static String describe(List<Received> records) {
        List<String> lines = new ArrayList<>();
        for (Received received : records) {
            lines.add(received.topic() + ":" + (received.event() == null ? received.headers() : received.event()));
        }
        return lines.toString();
    }
}
