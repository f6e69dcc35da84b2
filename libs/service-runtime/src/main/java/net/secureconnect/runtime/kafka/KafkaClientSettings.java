package net.secureconnect.runtime.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The properties every service builds its plain Kafka clients from: the shared {@code kafka.*} settings
 * (environment variables, {@code META-INF/microprofile-config.properties}) filtered to what each client type
 * knows, plus the platform's rules — producers wait for every in-sync replica and are idempotent, consumers
 * read committed records only and never commit on their own. Keys are account ids (strings), values the raw
 * event bytes, so a consumer can copy a poison record to its dead letters exactly as it came.
 *
 * <p>Explicit {@code kafka.*} settings win over these defaults wherever a default is only a default
 * ({@code putIfAbsent}); serializers and auto-commit are not negotiable.
 */
@ApplicationScoped
public class KafkaClientSettings {

    private final Map<String, Object> settings;

    public KafkaClientSettings(@Identifier("default-kafka-broker") Map<String, Object> kafkaSettings) {
        this.settings = Map.copyOf(kafkaSettings);
    }

    /** An idempotent, acks=all producer of string keys and byte values. */
    public Map<String, Object> producer(String clientId) {
        Map<String, Object> props = only(ProducerConfig.configNames());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Events drive real-time enforcement: send at once; under load batches fill while requests are in flight.
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /**
     * A consumer of string keys and byte values that commits only when told to. Without a {@code groupId}
     * (null) it has no group: the caller assigns partitions and positions itself, as a service does that
     * must read every record on every instance.
     */
    public Map<String, Object> consumer(String clientId, String groupId) {
        Map<String, Object> props = only(ConsumerConfig.configNames());
        if (groupId == null) {
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        } else {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /** An admin client that fails fast: readiness probes and provisioning retries call it. */
    public Map<String, Object> admin() {
        Map<String, Object> props = only(AdminClientConfig.configNames());
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return props;
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
}
