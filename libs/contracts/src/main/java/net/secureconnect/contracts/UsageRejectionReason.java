package net.secureconnect.contracts;

/** Why the wallet refused to charge a {@link UsageEvent}. */
public enum UsageRejectionReason {
    INSUFFICIENT_CREDITS,
    ACCOUNT_SUSPENDED,
    UNKNOWN_ACCOUNT,
    ACCOUNT_DELETED
}
