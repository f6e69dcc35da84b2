package net.secureconnect.wallet.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Topic;
import net.secureconnect.runtime.kafka.TopicCatalog;
import net.secureconnect.runtime.kafka.TopicSpec;

import java.util.List;
import java.util.Set;

/** The Kafka topics wallet-service uses: it consumes usage and payments, publishes balances and rejections. */
@ApplicationScoped
public class WalletTopics implements TopicCatalog {

    @Override
    public List<TopicSpec> topics() {
        return TopicCatalog.of(
                Set.of(Topic.BALANCES, Topic.USAGE_REJECTED),
                Set.of(Topic.USAGE_EVENTS, Topic.PAYMENTS, Topic.ACCOUNTS));
    }
}
