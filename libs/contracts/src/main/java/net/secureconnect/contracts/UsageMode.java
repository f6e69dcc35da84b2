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
    CAPTURE,
    /**
     * Gives back what an earlier AUTHORIZE of the same account took, because the action it paid for never
     * happened (e.g. an upload slot that was never completed). {@code causeId} is the event id of that
     * AUTHORIZE; {@code kind} and {@code units} repeat it. The wallet credits exactly the amount that
     * authorization debited, once per authorization however many RELEASEs name it, and nothing if it was
     * refused or is unknown. Added after v1 was first deployed: a consumer that predates it rejects such
     * a record (INVALID_FIELD) into its dead letters, so the wallet is deployed before any producer uses it.
     */
    RELEASE
}
