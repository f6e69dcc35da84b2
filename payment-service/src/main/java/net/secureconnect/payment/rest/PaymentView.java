package net.secureconnect.payment.rest;

import net.secureconnect.payment.service.Payment;

import java.time.Instant;

/** A payment as its owner sees it. */
public record PaymentView(String paymentId, String packId, long credits, long amountMinor, String currency,
                          String status, String gateway, String checkoutUrl, Instant createdAt, Instant updatedAt) {

    static PaymentView of(Payment p) {
        return new PaymentView(p.paymentId(), p.packId(), p.credits(), p.amountMinor(), p.currency(),
                p.status().name(), p.gateway(), p.checkoutUrl(), p.createdAt(), p.updatedAt());
    }
}
