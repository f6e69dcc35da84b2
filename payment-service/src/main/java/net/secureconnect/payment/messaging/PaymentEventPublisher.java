package net.secureconnect.payment.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.kafka.EventSerializer;
import net.secureconnect.payment.config.PaymentConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends payment events to topic {@code payments}, keyed by account id, and waits for the broker's
 * acknowledgement (acks=all, idempotent producer: the shared {@code kafka.*} defaults).
 */
@ApplicationScoped
public class PaymentEventPublisher {

    private final Map<String, Object> settings;
    private final Duration timeout;
    private volatile Producer<String, Event> producer;

    public PaymentEventPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafkaSettings,
                                 PaymentConfig config) {
        this.settings = Map.copyOf(kafkaSettings);
        this.timeout = config.outbox().publishTimeout();
    }

    /** Returns once the broker has the event; throws if it does not within the publish timeout. */
    public void publish(Event event) throws PublishFailedException {
        try {
            producer().send(new ProducerRecord<>(Topic.PAYMENTS.topicName(), event.accountId(), event))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException(e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new PublishFailedException(e);
        }
    }

    private Producer<String, Event> producer() {
        Producer<String, Event> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    Map<String, Object> props = new HashMap<>();
                    settings.forEach((k, v) -> {
                        if (ProducerConfig.configNames().contains(k)) {
                            props.put(k, v);
                        }
                    });
                    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EventSerializer.class.getName());
                    props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
                    props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
                    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "payment-service-outbox");
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
                    producer = new KafkaProducer<>(props);
                }
                current = producer;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        Producer<String, Event> current = producer;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }

    /** The broker did not acknowledge; the outbox row stays and is published again later. */
    public static class PublishFailedException extends Exception {
        PublishFailedException(Throwable cause) {
            super("publish to " + Topic.PAYMENTS.topicName() + " failed: " + cause.getClass().getSimpleName(), cause);
        }
    }
}
