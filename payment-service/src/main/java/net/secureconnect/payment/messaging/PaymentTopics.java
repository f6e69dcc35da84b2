package net.secureconnect.payment.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;

/** The Kafka topics payment-service uses: it publishes purchased and revoked credits. */
@ApplicationScoped
public class PaymentTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return List.of(
                TopicSpec.of(Topic.PAYMENTS));
    }
}
