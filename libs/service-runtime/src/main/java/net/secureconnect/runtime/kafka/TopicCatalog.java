package net.secureconnect.runtime.kafka;

import net.secureconnect.contracts.Topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Implemented once per service: every topic it publishes to or consumes from. */
public interface TopicCatalog {

    List<TopicSpec> topics();

    /**
     * The topics of a service that publishes to {@code publishes} and consumes {@code consumes}; every
     * consumed topic brings its dead-letter topic, where that consumer parks poison records.
     */
    static List<TopicSpec> of(Set<Topic> publishes, Set<Topic> consumes) {
        Set<Topic> all = new TreeSet<>(publishes);
        all.addAll(consumes);
        List<TopicSpec> topics = new ArrayList<>();
        all.forEach(topic -> topics.add(TopicSpec.of(topic)));
        new TreeSet<>(consumes).forEach(topic -> topics.add(TopicSpec.deadLetterOf(topic)));
        return List.copyOf(topics);
    }
}
