package net.secureconnect.relay.service;

/** What the relay does with one paid envelope, decided from its estimate of the sender's spendable credits. */
public enum BillingDecision {
    /** Comfortably covered: store, deliver at once, publish a CAPTURE. */
    CAPTURE,
    /** Near zero: publish an AUTHORIZE and store/deliver only once the wallet has debited it. */
    AUTHORIZE,
    /** The wallet suspended the account for this kind: refuse at once. */
    REFUSE
}
