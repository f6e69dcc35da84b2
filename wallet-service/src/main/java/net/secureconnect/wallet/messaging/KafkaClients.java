package net.secureconnect.wallet.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.wallet.config.WalletConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The wallet's Kafka clients, built from the same {@code kafka.*} settings as every service (acks=all,
 * idempotence), plus what the wallet needs: manual commits, raw bytes in (so a poison record can be copied
 * to the dead letters as it came), and a low-latency producer.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> settings;
    private final WalletConfig config;
    private volatile Producer<String, byte[]> producer;

    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafkaSettings, WalletConfig config) {
        this.settings = Map.copyOf(kafkaSettings);
        this.config = config;
    }

    /** One shared producer: sends of one account from one thread keep their order. */
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
                    // Suspensions must reach relays at once; under load batches fill while requests are in flight.
                    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
                    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "wallet-service-announcer");
                    producer = new KafkaProducer<>(props);
                }
                current = producer;
            }
        }
        return current;
    }

    /** A new consumer of the wallet's group; offsets are committed by the caller only. */
    public KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> props = only(ConsumerConfig.configNames());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumer().groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.consumer().maxPollRecords());
        // A new group must start at the beginning: usage published before the wallet first ran is still owed.
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "wallet-service-consumer");
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
