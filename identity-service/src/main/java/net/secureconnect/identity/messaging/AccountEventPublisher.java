package net.secureconnect.identity.messaging;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Event;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Duration;

/**
 * Sends account events to topic {@code accounts}, keyed by account id so one account's events stay in
 * order, and waits for the broker's acknowledgement (acks=all, idempotent producer: the shared defaults).
 */
@ApplicationScoped
public class AccountEventPublisher {

    /** Channel name in application.properties; the topic is {@code Topic.ACCOUNTS}. */
    public static final String CHANNEL = "account-events";

    private final MutinyEmitter<Event> emitter;

    public AccountEventPublisher(@Channel(CHANNEL) MutinyEmitter<Event> emitter) {
        this.emitter = emitter;
    }

    /** Returns once the broker has the event; throws if it does not within {@code timeout}. */
    public void publish(Event event, Duration timeout) {
        Message<Event> message = Message.of(event).addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(event.accountId()).build());
        emitter.sendMessage(message).await().atMost(timeout);
    }
}
