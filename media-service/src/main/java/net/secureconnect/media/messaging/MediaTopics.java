package net.secureconnect.media.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;
import java.util.Set;

/** The Kafka topics media-service uses: it publishes file-transfer usage, follows balances and account deletions. */
@ApplicationScoped
public class MediaTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return TopicCatalog.of(
                Set.of(Topic.USAGE_EVENTS),
                Set.of(Topic.BALANCES, Topic.USAGE_REJECTED, Topic.ACCOUNTS));
    }
}
