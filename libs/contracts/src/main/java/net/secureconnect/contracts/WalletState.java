package net.secureconnect.contracts;

/**
 * An account's whole wallet state as of one change, carried by every event on the compacted
 * {@link Topic#BALANCES} topic.
 *
 * @param balance spendable credits, never negative
 * @param version increases with every change of the wallet; a consumer ignores a state older than
 *                the one it holds
 * @param status  whether the wallet refuses some usage
 */
public record WalletState(long balance, long version, WalletStatus status) {

    public WalletState {
        Require.atLeast(balance, 0, "balance");
        Require.atLeast(version, 0, "version");
        Require.present(status, "status");
    }
}
