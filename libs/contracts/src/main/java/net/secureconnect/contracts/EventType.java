package net.secureconnect.contracts;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every event type with its wire name (the JSON {@code type} value, the record's simple name) and
 * its current schema version. Bump the version only for a breaking change of that one type.
 */
public enum EventType {
    USAGE_EVENT(UsageEvent.class, 1),
    USAGE_REJECTED(UsageRejected.class, 1),
    BALANCE_CHANGED(BalanceChanged.class, 1),
    ACCOUNT_SUSPENDED(AccountSuspended.class, 1),
    ACCOUNT_REINSTATED(AccountReinstated.class, 1),
    CREDITS_PURCHASED(CreditsPurchased.class, 1),
    CREDITS_REVOKED(CreditsRevoked.class, 1),
    ACCOUNT_CREATED(AccountCreated.class, 1),
    DEVICE_ADDED(DeviceAdded.class, 1),
    DEVICE_REMOVED(DeviceRemoved.class, 1),
    IDENTITY_KEY_CHANGED(IdentityKeyChanged.class, 1),
    ACCOUNT_DELETED(AccountDeleted.class, 1);

    private static final Map<String, EventType> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));
    private static final Map<Class<?>, EventType> BY_CLASS =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::javaType, Function.identity()));

    private final Class<? extends Event> javaType;
    private final int schemaVersion;

    EventType(Class<? extends Event> javaType, int schemaVersion) {
        this.javaType = javaType;
        this.schemaVersion = schemaVersion;
    }

    public Class<? extends Event> javaType() {
        return javaType;
    }

    /** The JSON {@code type} discriminator, e.g. {@code "UsageEvent"}. */
    public String wireName() {
        return javaType.getSimpleName();
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    /** Class-path resource of this type's JSON Schema, e.g. {@code /schemas/UsageEvent.v1.schema.json}. */
    public String schemaResource() {
        return "/schemas/" + wireName() + ".v" + schemaVersion + ".schema.json";
    }

    /** The one topic this type is published on. */
    public Topic topic() {
        for (Topic topic : Topic.values()) {
            if (topic.allows(this)) {
                return topic;
            }
        }
        throw new IllegalStateException(this + " is on no topic");
    }

    public static Optional<EventType> fromWireName(String wireName) {
        return wireName == null ? Optional.empty() : Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }

    public static EventType of(Event event) {
        return BY_CLASS.get(event.getClass());
    }
}
