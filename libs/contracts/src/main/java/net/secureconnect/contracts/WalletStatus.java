package net.secureconnect.contracts;

public enum WalletStatus {
    /** Every usage kind is allowed. */
    ACTIVE,
    /** The wallet refuses at least one usage kind until a top-up; see {@link AccountSuspended}. */
    SUSPENDED
}
