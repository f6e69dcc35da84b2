package net.secureconnect.payment.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;
import java.util.Set;

/** The Kafka topics payment-service uses: it publishes purchased and revoked credits. */
@ApplicationScoped
public class PaymentTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return TopicCatalog.of(
                Set.of(Topic.PAYMENTS),
                Set.of());
    }
}
