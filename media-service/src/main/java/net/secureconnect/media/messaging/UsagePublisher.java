package net.secureconnect.media.messaging;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.runtime.kafka.KafkaClientSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Publishes FILE_TRANSFER usage to {@code usage-events}, keyed by the payer, and waits for the broker's ack. */
@ApplicationScoped
public class UsagePublisher {

    private final KafkaClientSettings settings;
    private volatile Producer<String, byte[]> producer;

    public UsagePublisher(KafkaClientSettings settings) {
        this.settings = settings;
    }

    /** Returns once the broker has the event (acks=all); throws {@link PublishFailedException} otherwise. */
    public void publish(UsageEvent event, Duration timeout) throws PublishFailedException {
        try {
            producer().send(new ProducerRecord<>(Topic.USAGE_EVENTS.topicName(), event.accountId(),
                    EventJson.encode(event))).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException(e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new PublishFailedException(e);
        }
    }

    private Producer<String, byte[]> producer() {
        Producer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = new KafkaProducer<>(settings.producer("media-service-usage"));
                }
                current = producer;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        Producer<String, byte[]> current = producer;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
        }
    }

    /** The broker did not acknowledge in time. */
    public static class PublishFailedException extends Exception {
        PublishFailedException(Throwable cause) {
            super("publish to " + Topic.USAGE_EVENTS.topicName() + " failed: " + cause.getClass().getSimpleName(), cause);
        }
    }
}
