package net.secureconnect.relay.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.metrics.KafkaClientMeters;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The relay's Kafka clients, built from the shared {@code kafka.*} settings (acks=all, idempotence): one
 * producer for usage events and delivery notices, and consumers that are assigned every partition (no group:
 * every instance reads every record).
 */
@ApplicationScoped
public class RelayKafka {

    /** Longest a producer send blocks its caller (metadata unknown, buffer full: the broker is down). */
    static final int MAX_BLOCK_MS = 2_000;
    static final int REQUEST_TIMEOUT_MS = 5_000;
    /** A record not acknowledged by then fails (the outbox sweeper re-publishes usage events). */
    static final int DELIVERY_TIMEOUT_MS = 10_000;

    private final Map<String, Object> settings;
    private final KafkaClientMeters meters;
    private volatile Producer<String, byte[]> producer;

    public RelayKafka(@Identifier("default-kafka-broker") Map<String, Object> kafkaSettings, KafkaClientMeters meters) {
        this.meters = meters;
        this.settings = Map.copyOf(kafkaSettings);
    }

    public Producer<String, byte[]> producer() {
        Producer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> props = only(ProducerConfig.configNames());
                    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
                    props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
                    props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
                    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "relay-service");
                    // Bounded waits (docs/relay.md "Every send is answered"): send() blocks at most MAX_BLOCK
                    // for metadata or buffer space; an unacknowledged record fails after DELIVERY_TIMEOUT.
                    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
                    props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
                    props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
                    KafkaProducer<String, byte[]> created = new KafkaProducer<>(props);
                    meters.bind(created, "relay-producer"); // lives as long as the producer: until shutdown
                    producer = created;
                }
                current = producer;
            }
        }
        return current;
    }

    /** Sends one record; the future completes when the broker acknowledged it. */
    public CompletableFuture<Void> send(String topic, String key, byte[] value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer().send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    acked.complete(null);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /** A consumer's meters under {@code client=name} (lag per partition, connections); close them before it. */
    public KafkaClientMeters.Binding meters(KafkaConsumer<String, byte[]> consumer, String name) {
        return meters.bind(consumer, name);
    }

    /** A consumer without a group; the caller assigns partitions and positions itself. */
    public KafkaConsumer<String, byte[]> consumer(String clientId) {
        Map<String, Object> props = only(ConsumerConfig.configNames());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return new KafkaConsumer<>(props);
    }

    private Map<String, Object> only(Set<String> known) {
        Map<String, Object> props = new HashMap<>();
        settings.forEach((key, value) -> {
            if (known.contains(key)) {
                props.put(key, value);
            }
        });
        return props;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
