package net.secureconnect.identity.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableCatalog;
import net.secureconnect.runtime.dynamodb.TableSpec;
import net.secureconnect.runtime.dynamodb.TableSpec.Key;

import java.util.List;

/**
 * The DynamoDB tables identity-service owns (created at startup by the shared provisioner). Layouts
 * and the transactions over them: docs/identity.md.
 */
@ApplicationScoped
public class IdentityTables implements TableCatalog {

    @Override
    public List<TableSpec> tables() {
        return List.of(
            TableSpec.of(AccountStore.TABLE, Key.string(AccountStore.ACCOUNT_ID)),
            // One row per OIDC subject: the uniqueness guard that makes provisioning idempotent.
            TableSpec.of(SubjectStore.TABLE, Key.string(SubjectStore.SUBJECT)),
            // One row per claimed username (lower-cased), written in the same transaction as the account.
            TableSpec.of(UsernameStore.TABLE, Key.string(UsernameStore.USERNAME_KEY)),
            TableSpec.of(DeviceStore.TABLE, Key.string(DeviceStore.ACCOUNT_ID), Key.number(DeviceStore.DEVICE_ID)),
            // One-time prekeys per device; a key is claimed by a delete that returns the old item.
            TableSpec.of(PrekeyStore.TABLE, Key.string(PrekeyStore.DEVICE_KEY), Key.string(PrekeyStore.KEY_ID)),
            // Events committed with their change and not yet acknowledged by Kafka, in per-account order.
            TableSpec.of(OutboxStore.TABLE, Key.string(OutboxStore.ACCOUNT_ID), Key.number(OutboxStore.SEQ)));
    }
}
