package net.secureconnect.wallet.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableCatalog;
import net.secureconnect.runtime.dynamodb.TableSpec;
import net.secureconnect.runtime.dynamodb.TableSpec.Index;
import net.secureconnect.runtime.dynamodb.TableSpec.Key;

import java.util.List;

/** The DynamoDB tables wallet-service owns (created at startup by the shared provisioner); see docs/wallet.md. */
@ApplicationScoped
public class WalletTables implements TableCatalog {

    public static final String WALLETS = "wallets";
    public static final String LEDGER = "ledger";
    /** Sparse index of wallets whose latest entries may not be published yet. */
    public static final String OUTBOX_INDEX = "outbox";
    /** The ledger of one account in version order. */
    public static final String BY_VERSION_INDEX = "by-version";

    @Override
    public List<TableSpec> tables() {
        return List.of(
                TableSpec.of(WALLETS, Key.string(WalletStore.ACCOUNT_ID))
                        .withIndex(Index.of(OUTBOX_INDEX, Key.string(WalletStore.OUTBOX_SHARD),
                                Key.number(WalletStore.UPDATED_AT))),
                // Append-only: one entry per applied usage event, top-up, refund or adjustment, keyed by its cause.
                TableSpec.of(LEDGER, Key.string(LedgerStore.ACCOUNT_ID), Key.string(LedgerStore.ENTRY_ID))
                        .withIndex(Index.of(BY_VERSION_INDEX, Key.string(LedgerStore.ACCOUNT_ID),
                                Key.number(LedgerStore.VERSION))));
    }
}
