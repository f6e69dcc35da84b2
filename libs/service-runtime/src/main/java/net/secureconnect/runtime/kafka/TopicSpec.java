package net.secureconnect.runtime.kafka;

import net.secureconnect.contracts.Topic;

import java.util.Objects;

/**
 * A Kafka topic a service publishes to or consumes from.
 *
 * @param name      topic name (from the contracts' {@link Topic} catalogue)
 * @param compacted true for latest-value-per-key topics such as balances
 */
public record TopicSpec(String name, boolean compacted) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
    }

    public static TopicSpec of(Topic topic) {
        return new TopicSpec(topic.topicName(), topic.cleanupPolicy() == Topic.CleanupPolicy.COMPACT);
    }

    /**
     * Whether Kafka must keep every record (retention.ms=-1): a catalogue topic that a consumer replays from its
     * beginning and that is not compacted ({@link Topic#keptForever()}).
     */
    public boolean keptForever() {
        return Topic.byName(name).map(Topic::keptForever).orElse(false);
    }

    /** The dead-letter topic a consumer of {@code topic} parks poison records in. */
    public static TopicSpec deadLetterOf(Topic topic) {
        return new TopicSpec(topic.deadLetterTopic(), Topic.DEAD_LETTER_CLEANUP_POLICY == Topic.CleanupPolicy.COMPACT);
    }
}
