package net.secureconnect.wallet.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;

/** The Kafka topics wallet-service uses: it consumes usage and payments, publishes balances and rejections. */
@ApplicationScoped
public class WalletTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return List.of(
                TopicSpec.of(Topic.USAGE_EVENTS),
                TopicSpec.of(Topic.USAGE_REJECTED),
                TopicSpec.of(Topic.BALANCES),
                TopicSpec.of(Topic.PAYMENTS),
                TopicSpec.of(Topic.ACCOUNTS),
                TopicSpec.deadLetterOf(Topic.USAGE_EVENTS),
                TopicSpec.deadLetterOf(Topic.PAYMENTS),
                TopicSpec.deadLetterOf(Topic.ACCOUNTS));
    }
}
