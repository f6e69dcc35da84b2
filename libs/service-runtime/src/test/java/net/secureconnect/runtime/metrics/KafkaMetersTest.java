package net.secureconnect.runtime.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.secureconnect.testsupport.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real broker (test-support's shared one): what the alerts ConsumerLagHigh and KafkaUnreachable read. */
class KafkaMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void aBoundConsumerExposesItsLagPerPartitionUnderItsClientName() throws Exception {
        String bootstrap = KafkaBroker.bootstrapServers();
        String topic = "meters-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "v" + i));
            }
            producer.flush();
        }
        KafkaClientMeters meters = new KafkaClientMeters(registry);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            KafkaClientMeters.Binding binding = meters.bind(consumer, "test-state");
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            // One record, then no more fetches: the fetch told the consumer how far behind the end it is (49 or 50
            // records, depending on whether the client records the lag before or after handing out the record).
            await(() -> !consumer.poll(Duration.ofMillis(200)).isEmpty());
            consumer.pause(List.of(partition));
            await(() -> registry.find("kafka.consumer.fetch.manager.records.lag")
                    .tags("client", "test-state", "topic", topic, "partition", "0").gauge() != null);
            double lag = registry.get("kafka.consumer.fetch.manager.records.lag")
                    .tags("client", "test-state", "topic", topic, "partition", "0").gauge().value();
            assertTrue(lag == 49 || lag == 50, "lag " + lag);
            assertTrue(registry.find("kafka.consumer.connection.count").tag("client", "test-state").gauge().value() >= 1);

            binding.close();
            assertEquals(null, registry.find("kafka.consumer.fetch.manager.records.lag").tag("client", "test-state").gauge(),
                    "an unbound client leaves no meters behind");
        } finally {
            meters.close();
        }
    }

    @Test
    void reachableIsOneWithABrokerAndZeroWithout() throws Exception {
        try (Admin up = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()))) {
            KafkaReachability reachability = new KafkaReachability(() -> up, registry);
            assertTrue(reachability.probe());
            assertEquals(1, registry.get("secureconnect.kafka.reachable").gauge().value());
        }
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        try (Admin down = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000))) {
            KafkaReachability reachability = new KafkaReachability(() -> down, other);
            assertFalse(reachability.probe());
            assertEquals(0, other.get("secureconnect.kafka.reachable").gauge().value());
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        // Bounded by the condition, not by time: Micrometer looks for new Kafka metrics every 15 s (REFRESH).
        for (int attempt = 0; attempt < 600; attempt++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition never held");
    }
}
