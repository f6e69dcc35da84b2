package net.secureconnect.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class EventTypeAndTopicTest {

    @Test
    void everyEventRecordHasAnEventType() {
        Set<Class<?>> records = new HashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>(List.of(Event.class));
        while (!pending.isEmpty()) {
            for (Class<?> sub : pending.pop().getPermittedSubclasses()) {
                if (sub.isRecord()) {
                    records.add(sub);
                } else {
                    pending.add(sub);
                }
            }
        }
        assertEquals(records, Stream.of(EventType.values()).map(EventType::javaType).collect(Collectors.toSet()));
        assertEquals(12, records.size());
    }

    @Test
    void wireNamesAreTheSimpleNames() {
        for (EventType type : EventType.values()) {
            assertEquals(type.javaType().getSimpleName(), type.wireName());
            assertEquals(Optional.of(type), EventType.fromWireName(type.wireName()));
            assertEquals("/schemas/" + type.wireName() + ".v1.schema.json", type.schemaResource());
        }
        assertEquals(Optional.empty(), EventType.fromWireName("usageEvent"));
        assertEquals(Optional.empty(), EventType.fromWireName(null));
    }

    @Test
    void topicsAsDesigned() {
        assertEquals(List.of("usage-events", "usage-rejected", "balances", "accounts", "payments"),
                Stream.of(Topic.values()).map(Topic::topicName).toList());
        assertEquals(Set.of(Topic.BALANCES),
                Stream.of(Topic.values()).filter(t -> t.cleanupPolicy() == Topic.CleanupPolicy.COMPACT).collect(Collectors.toSet()));
        assertEquals("compact", Topic.BALANCES.cleanupPolicy().configValue());
        assertEquals("delete", Topic.USAGE_EVENTS.cleanupPolicy().configValue());
        assertEquals("usage-events.dead-letter", Topic.USAGE_EVENTS.deadLetterTopic());
        assertEquals("balances.dead-letter", Topic.BALANCES.deadLetterTopic());
        assertEquals(Topic.CleanupPolicy.DELETE, Topic.DEAD_LETTER_CLEANUP_POLICY);
        // Replayed from the start (relay state, new wallet/media groups): kept forever unless compacted.
        assertEquals(Set.of(Topic.USAGE_EVENTS, Topic.ACCOUNTS, Topic.PAYMENTS),
                Stream.of(Topic.values()).filter(Topic::keptForever).collect(Collectors.toSet()));
        assertTrue(Topic.BALANCES.replayedFromStart());

        assertEquals(EnumSet.of(EventType.BALANCE_CHANGED, EventType.ACCOUNT_SUSPENDED, EventType.ACCOUNT_REINSTATED),
                Topic.BALANCES.eventTypes());
        assertEquals(EnumSet.of(EventType.CREDITS_PURCHASED, EventType.CREDITS_REVOKED), Topic.PAYMENTS.eventTypes());
        assertEquals(EnumSet.of(EventType.USAGE_EVENT), Topic.USAGE_EVENTS.eventTypes());
    }

    @Test
    void everyEventTypeIsOnExactlyOneTopic() {
        for (EventType type : EventType.values()) {
            List<Topic> topics = Stream.of(Topic.values()).filter(t -> t.allows(type)).toList();
            assertEquals(List.of(type.topic()), topics, type::toString);
        }
    }

    @Test
    void walletStateEventsAreExactlyTheBalancesTopic() {
        for (EventType type : EventType.values()) {
            assertEquals(WalletStateEvent.class.isAssignableFrom(type.javaType()), type.topic() == Topic.BALANCES, type::toString);
        }
    }

    @Test
    void topicsByName() {
        for (Topic topic : Topic.values()) {
            assertEquals(Optional.of(topic), Topic.byName(topic.topicName()));
        }
        assertEquals(Optional.empty(), Topic.byName("balances.dead-letter"));
        assertEquals(Optional.empty(), Topic.byName(null));
    }

    @Test
    void deadLetterHeaderNamesAreDistinct() {
        List<String> names = List.of(DeadLetterHeaders.REASON_CODE, DeadLetterHeaders.DETAIL, DeadLetterHeaders.SOURCE_TOPIC,
                DeadLetterHeaders.SOURCE_PARTITION, DeadLetterHeaders.SOURCE_OFFSET);
        assertEquals(names.size(), new HashSet<>(names).size());
        assertTrue(names.stream().allMatch(n -> n.startsWith("dead-letter-")));
    }
}
