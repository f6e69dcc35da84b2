package net.secureconnect.runtime.dynamodb;

import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The shape of one DynamoDB table a service owns: keys, secondary indexes and the TTL attribute.
 * The same spec creates the table in production, in the local stack and in tests.
 *
 * @param name          logical name; the physical name is the configured prefix plus this
 * @param partitionKey  hash key
 * @param sortKey       range key, if any
 * @param indexes       global secondary indexes (all attributes projected)
 * @param ttlAttribute  epoch-seconds attribute that DynamoDB expires rows by; the application still filters,
 *                      because expiry is lazy
 */
public record TableSpec(String name, Key partitionKey, Optional<Key> sortKey, List<Index> indexes,
                        Optional<String> ttlAttribute) {

    public TableSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(sortKey, "sortKey");
        indexes = List.copyOf(indexes);
        Objects.requireNonNull(ttlAttribute, "ttlAttribute");
    }

    public static TableSpec of(String name, Key partitionKey) {
        return new TableSpec(name, partitionKey, Optional.empty(), List.of(), Optional.empty());
    }

    public static TableSpec of(String name, Key partitionKey, Key sortKey) {
        return new TableSpec(name, partitionKey, Optional.of(sortKey), List.of(), Optional.empty());
    }

    public TableSpec withIndex(Index index) {
        var all = new java.util.ArrayList<>(indexes);
        all.add(index);
        return new TableSpec(name, partitionKey, sortKey, all, ttlAttribute);
    }

    public TableSpec withTtl(String attribute) {
        return new TableSpec(name, partitionKey, sortKey, indexes, Optional.of(attribute));
    }

    /** A key attribute and its scalar type. */
    public record Key(String attribute, ScalarAttributeType type) {
        public static Key string(String attribute) {
            return new Key(attribute, ScalarAttributeType.S);
        }

        public static Key number(String attribute) {
            return new Key(attribute, ScalarAttributeType.N);
        }
    }

    /** A global secondary index projecting all attributes. */
    public record Index(String name, Key partitionKey, Optional<Key> sortKey) {
        public static Index of(String name, Key partitionKey) {
            return new Index(name, partitionKey, Optional.empty());
        }

        public static Index of(String name, Key partitionKey, Key sortKey) {
            return new Index(name, partitionKey, Optional.of(sortKey));
        }
    }
}
