package net.secureconnect.relay.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableCatalog;
import net.secureconnect.runtime.dynamodb.TableSpec;
import net.secureconnect.runtime.dynamodb.TableSpec.Key;

import java.util.List;

/** The DynamoDB tables relay-service owns (created at startup by the shared provisioner). */
@ApplicationScoped
public class RelayTables implements TableCatalog {

    @Override
    public List<TableSpec> tables() {
        return List.of(
            // Per-device offline queue: oldest first by sort key; rows expire after the retention period.
            TableSpec.of("messages", Key.string("destination"), Key.string("queuedAt")).withTtl("expiresAt"));
    }
}
