package net.secureconnect.payment.service;

/** Where a payment stands. PENDING until the gateway reports; REFUNDED and DISPUTED are final. */
public enum PaymentStatus {
    PENDING,
    SUCCEEDED,
    FAILED,
    REFUNDED,
    DISPUTED
}
