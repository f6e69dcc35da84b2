package net.secureconnect.wallet.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last wallet state this instance wrote or read, so the common path is one transaction instead of a
 * read plus a transaction. Only a guess: a stale entry fails the version condition and is re-read.
 */
@ApplicationScoped
public class WalletCache {

    /** Enough for every active account of one instance; least recently used ones are dropped. */
    static final int MAX_WALLETS = 200_000;

    private final Map<String, Wallet> wallets = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Wallet> eldest) {
            return size() > MAX_WALLETS;
        }
    };

    public synchronized Optional<Wallet> get(String accountId) {
        return Optional.ofNullable(wallets.get(accountId));
    }

    /** Keeps the newer of the cached and the given state. */
    public synchronized void put(Wallet wallet) {
        Wallet cached = wallets.get(wallet.accountId());
        if (cached == null || cached.version() <= wallet.version()) {
            wallets.put(wallet.accountId(), wallet);
        }
    }

    public synchronized void invalidate(String accountId) {
        wallets.remove(accountId);
    }

    /** The newest version this instance knows of, or -1. */
    public synchronized long version(String accountId) {
        Wallet cached = wallets.get(accountId);
        return cached == null ? -1 : cached.version();
    }
}
