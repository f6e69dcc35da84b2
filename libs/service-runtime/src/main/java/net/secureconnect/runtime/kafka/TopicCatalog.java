package net.secureconnect.runtime.kafka;

import java.util.List;

/** Implemented once per service: every topic it publishes to or consumes from. */
public interface TopicCatalog {
    List<TopicSpec> topics();
}
