package net.secureconnect.wallet.support;

import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.testsupport.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A test-side producer on the real broker: sends events as the other services would, or raw bytes. */
public final class TestKafka {

    private static Producer<String, byte[]> producer;

    private TestKafka() {
    }

    public static synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        }
        return producer;
    }

    /** Sends the event to its topic, keyed by account, and waits for the acknowledgement. */
    public static void send(Event event) {
        await(sendAsync(event));
    }

    public static Future<?> sendAsync(Event event) {
        return producer().send(new ProducerRecord<>(event.type().topic().topicName(), event.accountId(),
                EventJson.encode(event)));
    }

    public static void sendRaw(String topic, String key, byte[] value) {
        await(producer().send(new ProducerRecord<>(topic, key, value)));
    }

    public static void flush() {
        producer().flush();
    }

    private static void await(Future<?> ack) {
        try {
            ack.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("send failed: " + e, e);
        }
    }
}
