package net.secureconnect.media.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;

/** The Kafka topics media-service uses: it publishes file-transfer usage, follows balances. */
@ApplicationScoped
public class MediaTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return List.of(
                TopicSpec.of(Topic.USAGE_EVENTS),
                TopicSpec.of(Topic.USAGE_REJECTED),
                TopicSpec.of(Topic.BALANCES),
                TopicSpec.deadLetterOf(Topic.BALANCES),
                TopicSpec.deadLetterOf(Topic.USAGE_REJECTED));
    }
}
