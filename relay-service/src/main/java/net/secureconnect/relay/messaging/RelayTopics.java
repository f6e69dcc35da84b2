package net.secureconnect.relay.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Kafka topics relay-service uses: it publishes usage, follows balances, rejections and device lists, and
 * tells the other relay instances about new envelopes on its own {@code relay-deliveries} topic.
 */
@ApplicationScoped
public class RelayTopics implements TopicCatalog {

    private final String deliveries;

    public RelayTopics(RelayConfig config) {
        this.deliveries = config.deliveriesTopic();
    }

    @Override
    public List<TopicSpec> topics() {
        List<TopicSpec> topics = new ArrayList<>(TopicCatalog.of(
                Set.of(Topic.USAGE_EVENTS),
                Set.of(Topic.BALANCES, Topic.USAGE_REJECTED, Topic.ACCOUNTS)));
        topics.add(new TopicSpec(deliveries, false));
        return List.copyOf(topics);
    }
}
