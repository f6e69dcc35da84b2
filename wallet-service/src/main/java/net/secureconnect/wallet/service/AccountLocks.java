package net.secureconnect.wallet.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises, within this instance, writing an account's changes and handing their announcements to the
 * producer, so that one account's records reach the compacted balances topic in version order even when the
 * consumer, the outbox relay and the admin API touch the same account. Striped: a lock per account would
 * have to be forgotten again.
 */
@ApplicationScoped
public class AccountLocks {

    private static final int STRIPES = 4096;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public AccountLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    public ReentrantLock of(String accountId) {
        return locks[Math.floorMod(accountId.hashCode() * 0x9E3779B9, STRIPES)];
    }
}
