package net.secureconnect.wallet.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableCatalog;
import net.secureconnect.runtime.dynamodb.TableSpec;
import net.secureconnect.runtime.dynamodb.TableSpec.Key;

import java.util.List;

/** The DynamoDB tables wallet-service owns (created at startup by the shared provisioner). */
@ApplicationScoped
public class WalletTables implements TableCatalog {

    @Override
    public List<TableSpec> tables() {
        return List.of(
            TableSpec.of("wallets", Key.string("accountId")),
            // Append-only: one entry per applied usage event, top-up, refund or adjustment, keyed by its cause.
            TableSpec.of("ledger", Key.string("accountId"), Key.string("entryId")));
    }
}
