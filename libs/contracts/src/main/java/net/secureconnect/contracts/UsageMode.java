package net.secureconnect.contracts;

/** How the wallet treats a {@link UsageEvent} its balance cannot cover. */
public enum UsageMode {
    /**
     * The action waits for the wallet (e.g. the next call minute): if the balance cannot cover it,
     * the wallet charges nothing and publishes {@link UsageRejected}.
     */
    AUTHORIZE,
    /**
     * The action already happened (the producer checked its local view of the balance): the wallet
     * charges it, and records any shortfall as overdraft instead of going below zero.
     */
    CAPTURE
}
