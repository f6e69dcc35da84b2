package net.secureconnect.payment.messaging;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.kafka.EventSerializer;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.runtime.kafka.KafkaClientSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
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

    private final KafkaClientSettings settings;
    private final Duration timeout;
    private volatile Producer<String, Event> producer;

    public PaymentEventPublisher(KafkaClientSettings settings, PaymentConfig config) {
        this.settings = settings;
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
                    Map<String, Object> props = settings.producer("payment-service-outbox");
                    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EventSerializer.class.getName());
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
