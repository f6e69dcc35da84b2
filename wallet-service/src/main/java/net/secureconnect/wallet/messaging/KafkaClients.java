package net.secureconnect.wallet.messaging;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.kafka.KafkaClientSettings;
import net.secureconnect.runtime.metrics.KafkaClientMeters;
import net.secureconnect.wallet.config.WalletConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.util.Map;

/**
 * The wallet's Kafka clients, built by the shared {@link KafkaClientSettings} (acks=all, idempotence, raw bytes
 * in so a poison record can be copied to the dead letters as it came), plus what the wallet needs: one
 * consumer group with manual commits, starting at the beginning.
 */
@ApplicationScoped
public class KafkaClients {

    private final KafkaClientSettings settings;
    private final WalletConfig config;
    private final KafkaClientMeters meters;
    private volatile Producer<String, byte[]> producer;

    public KafkaClients(KafkaClientSettings settings, WalletConfig config, KafkaClientMeters meters) {
        this.settings = settings;
        this.config = config;
        this.meters = meters;
    }

    /** One shared producer: sends of one account from one thread keep their order. */
    public Producer<String, byte[]> producer() {
        Producer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    KafkaProducer<String, byte[]> created = new KafkaProducer<>(settings.producer("wallet-service-announcer"));
                    meters.bind(created, "wallet-announcer"); // lives as long as the producer: until shutdown
                    producer = created;
                }
                current = producer;
            }
        }
        return current;
    }

    /** The consumer's meters ({@code client="wallet-events"}: lag, connections); close them before the consumer. */
    public KafkaClientMeters.Binding meters(KafkaConsumer<String, byte[]> consumer) {
        return meters.bind(consumer, "wallet-events");
    }

    /** A new consumer of the wallet's group; offsets are committed by the caller only. */
    public KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> props = settings.consumer("wallet-service-consumer", config.consumer().groupId());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.consumer().maxPollRecords());
        // A new group must start at the beginning: usage published before the wallet first ran is still owed.
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props);
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
