package net.secureconnect.contracts;

import java.time.Instant;

/**
 * An event one service publishes and others consume. Every event is keyed by {@link #accountId()}
 * on its {@link Topic}, so events of one account stay in order.
 *
 * <p>Consumers deduplicate by {@link #eventId()}: producers derive it from the cause
 * ({@link EventIds#forCause}), so a retried publish carries the same id.
 */
public sealed interface Event
        permits UsageEvent, UsageRejected, WalletStateEvent, CreditsPurchased, CreditsRevoked,
        AccountCreated, DeviceAdded, DeviceRemoved, IdentityKeyChanged, AccountDeleted {

    /** Longest id (event, account, payment, cause) in characters. */
    int MAX_ID_LENGTH = 128;

    /** Unique per event; the same for every redelivery or retried publish of it. */
    String eventId();

    Instant occurredAt();

    /** The account the event is about, and its Kafka record key. */
    String accountId();

    default EventType type() {
        return EventType.of(this);
    }

    /** Version of this event's JSON shape; written into every record. */
    default int schemaVersion() {
        return type().schemaVersion();
    }
}
