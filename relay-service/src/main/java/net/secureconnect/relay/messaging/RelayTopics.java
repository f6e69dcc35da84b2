package net.secureconnect.relay.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;
import java.util.Set;

/** The Kafka topics relay-service uses: it publishes usage, follows balances, rejections and device lists. */
@ApplicationScoped
public class RelayTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return TopicCatalog.of(
                Set.of(Topic.USAGE_EVENTS),
                Set.of(Topic.BALANCES, Topic.USAGE_REJECTED, Topic.ACCOUNTS));
    }
}
