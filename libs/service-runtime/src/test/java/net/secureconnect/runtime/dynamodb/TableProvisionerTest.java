package net.secureconnect.runtime.dynamodb;

import net.secureconnect.runtime.dynamodb.TableSpec.Key;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A table of the same name but another key (another service's, or an older layout) is never used. */
class TableProvisionerTest {

    private static TableDescription existing(KeySchemaElement... keys) {
        return TableDescription.builder().keySchema(keys).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    @Test
    void theSameKeyMatches() {
        TableSpec spec = TableSpec.of("outbox", Key.string("accountId"), Key.number("seq"));
        assertEquals(Optional.empty(), TableProvisioner.keyMismatch(spec,
                existing(key("accountId", KeyType.HASH), key("seq", KeyType.RANGE))));
    }

    @Test
    void anotherPartitionKeyOrAMissingSortKeyIsAMismatch() {
        TableSpec spec = TableSpec.of("outbox", Key.string("accountId"), Key.number("seq"));
        assertTrue(TableProvisioner.keyMismatch(spec, existing(key("eventId", KeyType.HASH))).isPresent());
        assertTrue(TableProvisioner.keyMismatch(spec, existing(key("accountId", KeyType.HASH))).isPresent());
        assertTrue(TableProvisioner.keyMismatch(TableSpec.of("media", Key.string("mediaId")),
                existing(key("mediaId", KeyType.HASH), key("at", KeyType.RANGE))).isPresent());
    }
}
