package net.secureconnect.identity.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableCatalog;
import net.secureconnect.runtime.dynamodb.TableSpec;
import net.secureconnect.runtime.dynamodb.TableSpec.Key;

import java.util.List;

/** The DynamoDB tables identity-service owns (created at startup by the shared provisioner). */
@ApplicationScoped
public class IdentityTables implements TableCatalog {

    @Override
    public List<TableSpec> tables() {
        return List.of(
            TableSpec.of("accounts", Key.string("accountId"))
                    .withIndex(TableSpec.Index.of("bySubject", Key.string("oidcSubject"))),
            // One row per claimed username (lower-cased): the uniqueness guard, written in the same transaction.
            TableSpec.of("usernames", Key.string("usernameKey")),
            TableSpec.of("devices", Key.string("accountId"), Key.number("deviceId")),
            // One-time and signed prekeys per device; a one-time key is claimed by a conditional delete.
            TableSpec.of("prekeys", Key.string("deviceKey"), Key.string("keyId")));
    }
}
