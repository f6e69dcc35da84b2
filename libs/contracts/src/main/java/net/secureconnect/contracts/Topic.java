package net.secureconnect.contracts;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Kafka topics, the events each may carry and how each is cleaned up. Every record's key is
 * the account id. Poison records of a topic go to its {@link #deadLetterTopic()}.
 */
public enum Topic {
    /** Paid actions (relay, media) for the wallet to charge. */
    USAGE_EVENTS("usage-events", CleanupPolicy.DELETE, EventType.USAGE_EVENT),
    /** Usage the wallet refused to charge. */
    USAGE_REJECTED("usage-rejected", CleanupPolicy.DELETE, EventType.USAGE_REJECTED),
    /**
     * Wallet state per account. Compacted, so each record carries the whole {@link WalletState}:
     * a consumer rebuilding from the topic may see only the latest record of an account.
     */
    BALANCES("balances", CleanupPolicy.COMPACT,
            EventType.BALANCE_CHANGED, EventType.ACCOUNT_SUSPENDED, EventType.ACCOUNT_REINSTATED),
    /** Account and device directory changes from identity-service. */
    ACCOUNTS("accounts", CleanupPolicy.DELETE,
            EventType.ACCOUNT_CREATED, EventType.DEVICE_ADDED, EventType.DEVICE_REMOVED,
            EventType.IDENTITY_KEY_CHANGED, EventType.ACCOUNT_DELETED),
    /** Top-ups and their reversals from payment-service. */
    PAYMENTS("payments", CleanupPolicy.DELETE, EventType.CREDITS_PURCHASED, EventType.CREDITS_REVOKED);

    public static final String DEAD_LETTER_SUFFIX = ".dead-letter";
    /** Dead-letter topics are never compacted: compaction would drop all but one poison record per key. */
    public static final CleanupPolicy DEAD_LETTER_CLEANUP_POLICY = CleanupPolicy.DELETE;

    private final String topicName;
    private final CleanupPolicy cleanupPolicy;
    private final Set<EventType> eventTypes;

    Topic(String topicName, CleanupPolicy cleanupPolicy, EventType first, EventType... rest) {
        this.topicName = topicName;
        this.cleanupPolicy = cleanupPolicy;
        this.eventTypes = Collections.unmodifiableSet(EnumSet.of(first, rest));
    }

    public String topicName() {
        return topicName;
    }

    public CleanupPolicy cleanupPolicy() {
        return cleanupPolicy;
    }

    public Set<EventType> eventTypes() {
        return eventTypes;
    }

    public boolean allows(EventType type) {
        return eventTypes.contains(type);
    }

    /** {@code <topic>.dead-letter}, e.g. {@code usage-events.dead-letter}. */
    public String deadLetterTopic() {
        return topicName + DEAD_LETTER_SUFFIX;
    }

    /**
     * Whether a consumer reads this topic from its beginning, so that Kafka must keep every record (retention.ms=-1)
     * unless the topic is compacted: the relay rebuilds device lists from {@link #ACCOUNTS} and balances from
     * {@link #BALANCES} at every start (no consumer group); a new wallet-service group replays {@link #USAGE_EVENTS},
     * {@link #PAYMENTS} and {@link #ACCOUNTS}, a new media-service group {@link #ACCOUNTS} (auto.offset.reset=earliest).
     * Kafka's default retention (7 days) would silently drop devices and money. Not {@link #USAGE_REJECTED}: read
     * from its end only.
     */
    public boolean replayedFromStart() {
        return this != USAGE_REJECTED;
    }

    /** Whether Kafka must keep this topic's records forever: replayed from the start and not compacted. */
    public boolean keptForever() {
        return replayedFromStart() && cleanupPolicy == CleanupPolicy.DELETE;
    }

    public static Optional<Topic> byName(String topicName) {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(topicName)).findFirst();
    }

    /** Kafka's {@code cleanup.policy} topic setting. */
    public enum CleanupPolicy {
        DELETE, COMPACT;

        /** The value of the {@code cleanup.policy} topic config. */
        public String configValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
