package net.secureconnect.identity.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;

/** The Kafka topics identity-service uses: it publishes account and device lifecycle events. */
@ApplicationScoped
public class IdentityTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return List.of(
                TopicSpec.of(Topic.ACCOUNTS));
    }
}
