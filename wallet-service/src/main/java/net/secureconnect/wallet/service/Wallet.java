package net.secureconnect.wallet.service;

import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.WalletState;
import net.secureconnect.contracts.WalletStatus;

import java.util.Set;

/**
 * One account's wallet as stored.
 *
 * @param balance      spendable credits, never negative
 * @param version      number of ledger entries; every change adds one
 * @param unaffordable kinds the balance cannot pay one unit of, as last announced
 * @param overdraft    credits charged but not collectable, summed over the ledger
 * @param announced    every entry up to this version is known to be published
 * @param stored       false for a wallet not written yet (an unknown account)
 * @param closedAt     when the account was deleted (AccountDeleted's time, epoch ms), 0 while open: no new
 *                     authorizations while closed; the balance stays
 */
public record Wallet(String accountId, long balance, long version, Set<UsageKind> unaffordable, long overdraft,
                     long announced, boolean stored, long closedAt) {

    public Wallet {
        if (balance < 0) {
            throw new IllegalArgumentException("balance must not be negative, was " + balance);
        }
        unaffordable = Set.copyOf(unaffordable);
    }

    /** The wallet of an account never seen: empty, and as suspended as an empty balance is. */
    public static Wallet unopened(String accountId, PriceList prices) {
        return new Wallet(accountId, 0, 0, prices.unaffordable(0), 0, 0, false, 0);
    }

    public boolean closed() {
        return closedAt > 0;
    }

    /** Closed at {@code at} (epoch ms), or open again with {@code 0}. */
    public Wallet closedAt(long at) {
        return new Wallet(accountId, balance, version, unaffordable, overdraft, announced, stored, at);
    }

    public WalletStatus status() {
        return unaffordable.isEmpty() ? WalletStatus.ACTIVE : WalletStatus.SUSPENDED;
    }

    public WalletState state() {
        return new WalletState(balance, version, status());
    }
}
