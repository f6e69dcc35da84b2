package net.secureconnect.bench.wallet;

import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts BalanceChanged records on {@code balances} by the prefix of their cause id, from "now" on. */
final class BalanceWatcher implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastArrival = new AtomicLong();
    private final Thread reader;
    private volatile boolean running = true;

    BalanceWatcher(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20));
        List<TopicPartition> partitions = consumer.partitionsFor(Topic.BALANCES.topicName(), Duration.ofSeconds(30))
                .stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start now, before anything is produced
        reader = new Thread(this::read, "bench-balance-watcher");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        while (running) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                DecodeResult decoded = EventJson.decode(Topic.BALANCES, record.value());
                if (decoded instanceof DecodeResult.Decoded d && d.event() instanceof BalanceChanged changed) {
                    count(changed);
                }
            }
        }
        consumer.close();
    }

    private void count(Event event) {
        BalanceChanged changed = (BalanceChanged) event;
        if (!seen.add(changed.eventId())) {
            return; // a re-publication: the same announcement counts once
        }
        String cause = changed.causeEventId();
        int dash = cause.indexOf('-');
        String prefix = dash < 0 ? cause : cause.substring(0, dash);
        counts.computeIfAbsent(prefix, p -> new AtomicLong()).incrementAndGet();
        lastArrival.set(System.nanoTime());
    }

    /** Distinct BalanceChanged seen whose cause id starts with {@code prefix} followed by a dash. */
    long count(String prefix) {
        AtomicLong count = counts.get(prefix);
        return count == null ? 0 : count.get();
    }

    long lastArrivalNanos() {
        return lastArrival.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.join(5_000);
    }
}
