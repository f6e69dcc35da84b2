package net.secureconnect.contracts;

/** Why purchased credits were taken back. */
public enum RevocationReason {
    REFUND,
    CHARGEBACK
}
