package net.secureconnect.wallet.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.wallet.repository.LedgerStore;
import net.secureconnect.wallet.repository.WalletStore;

/** Reads for the REST API: a wallet (an unopened one for an account never seen) and its ledger. */
@ApplicationScoped
public class WalletReader {

    private final WalletStore wallets;
    private final LedgerStore ledger;
    private final WalletPolicy policy;

    public WalletReader(WalletStore wallets, LedgerStore ledger, WalletPolicy policy) {
        this.wallets = wallets;
        this.ledger = ledger;
        this.policy = policy;
    }

    public Wallet wallet(String accountId) {
        return wallets.find(accountId).orElseGet(() -> Wallet.unopened(accountId, policy.prices()));
    }

    public LedgerStore.Page ledger(String accountId, Long before, int limit) {
        return ledger.page(accountId, before, limit);
    }
}
