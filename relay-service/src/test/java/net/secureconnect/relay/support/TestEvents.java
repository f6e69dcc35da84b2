package net.secureconnect.relay.support;

import net.secureconnect.contracts.AccountReinstated;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.DeviceAdded;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.contracts.UsageRejectionReason;
import net.secureconnect.contracts.WalletState;
import net.secureconnect.contracts.WalletStatus;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.testsupport.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the events identity-service and wallet-service would publish, on the real test broker, and reads
 * what the relay publishes.
 */
public final class TestEvents {

    private static KafkaProducer<String, byte[]> producer;

    private TestEvents() {
    }

    private static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaBroker.bootstrapServers(),
                    "acks", "all", "linger.ms", 0,
                    "key.serializer", StringSerializer.class.getName(),
                    "value.serializer", ByteArraySerializer.class.getName()));
        }
        return producer;
    }

    /** Publishes and waits for the broker's ack; returns when it was written. */
    public static Instant publish(Topic topic, Event event) {
        try {
            long timestamp = producer().send(new ProducerRecord<>(topic.topicName(), event.accountId(),
                    EventJson.encode(event))).get(30, TimeUnit.SECONDS).timestamp();
            return Instant.ofEpochMilli(timestamp);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event.type(), e);
        }
    }

    public static void devices(String account, int... devices) {
        List<Integer> list = new ArrayList<>();
        for (int device : devices) {
            list.add(device);
        }
        publish(Topic.ACCOUNTS, new DeviceAdded(UUID.randomUUID().toString(), Instant.now(), account,
                devices[devices.length - 1], 4711, list));
    }

    public static WalletState state(long balance, long version) {
        return new WalletState(balance, version,
                PriceList.defaults().unaffordable(balance).isEmpty() ? WalletStatus.ACTIVE : WalletStatus.SUSPENDED);
    }

    public static void balance(String account, long balance, long version, String cause) {
        publish(Topic.BALANCES, new BalanceChanged(UUID.randomUUID().toString(), Instant.now(), account,
                state(balance, version), 0, cause));
    }

    public static Instant suspend(String account, long balance, long version) {
        return publish(Topic.BALANCES, new AccountSuspended(UUID.randomUUID().toString(), Instant.now(), account,
                new WalletState(balance, version, WalletStatus.SUSPENDED), "cause-" + UUID.randomUUID(),
                Set.of(UsageKind.values())));
    }

    public static void reinstate(String account, long balance, long version) {
        publish(Topic.BALANCES, new AccountReinstated(UUID.randomUUID().toString(), Instant.now(), account,
                new WalletState(balance, version, WalletStatus.ACTIVE), "cause-" + UUID.randomUUID(),
                Set.of(UsageKind.values())));
    }

    public static void reject(UsageEvent usage, long balance) {
        publish(Topic.USAGE_REJECTED, new UsageRejected(UUID.randomUUID().toString(), Instant.now(), usage.accountId(),
                usage.eventId(), usage.kind(), usage.units(), UsageRejectionReason.INSUFFICIENT_CREDITS, balance));
    }

    /** Every UsageEvent of {@code account} on usage-events, waiting up to {@code timeout} for at least {@code atLeast}. */
    public static List<UsageEvent> usageOf(String account, int atLeast, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaBroker.bootstrapServers(),
                "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.USAGE_EVENTS.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<UsageEvent> found = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (account.equals(record.key())
                            && EventJson.decode(Topic.USAGE_EVENTS, record.value()) instanceof DecodeResult.Decoded d) {
                        found.add((UsageEvent) d.event());
                    }
                }
                if (found.size() >= atLeast && consumer.endOffsets(partitions).entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    return found;
                }
            }
            return found;
        }
    }
}
