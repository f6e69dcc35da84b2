package net.secureconnect.relay.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;

/** The Kafka topics relay-service uses: it publishes usage, follows balances, rejections and device lists. */
@ApplicationScoped
public class RelayTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return List.of(
                TopicSpec.of(Topic.USAGE_EVENTS),
                TopicSpec.of(Topic.USAGE_REJECTED),
                TopicSpec.of(Topic.BALANCES),
                TopicSpec.of(Topic.ACCOUNTS),
                TopicSpec.deadLetterOf(Topic.BALANCES),
                TopicSpec.deadLetterOf(Topic.USAGE_REJECTED),
                TopicSpec.deadLetterOf(Topic.ACCOUNTS));
    }
}
