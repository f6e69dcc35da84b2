package net.secureconnect.identity.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;
import java.util.Set;

/** The Kafka topics identity-service uses: it publishes account and device lifecycle events. */
@ApplicationScoped
public class IdentityTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return TopicCatalog.of(
                Set.of(Topic.ACCOUNTS),
                Set.of());
    }
}
