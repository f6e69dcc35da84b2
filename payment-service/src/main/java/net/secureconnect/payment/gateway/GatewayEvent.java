package net.secureconnect.payment.gateway;

/**
 * A verified gateway webhook reduced to what the payment state machine needs. Every field comes from the
 * signed body; nothing a client could have set decides which payment is credited (see {@code checkoutRef}).
 *
 * @param eventId           deduplication key, unique per gateway and covered by the signature
 * @param outcome           what happened to the payment
 * @param paymentId         our payment id as metadata the gateway holds from our server (Stripe); null when
 *                          the event names none, and always null for Razorpay, whose payment notes the
 *                          browser sets
 * @param gatewayPaymentRef the gateway's id of the money movement (Stripe PaymentIntent, Razorpay payment),
 *                          by which refund and dispute events that lack our metadata are matched; may be null
 * @param checkoutRef       the checkout the money was paid into as we created it (Stripe Checkout Session,
 *                          Razorpay order); must equal the payment row's {@code gatewayRef}; null when the
 *                          event is about no checkout (refund and dispute events of Stripe)
 * @param amountMinor       amount paid in the currency's minor unit; null when the event carries none
 * @param currency          ISO 4217 code of that amount (any case); null when the event carries none
 */
public record GatewayEvent(String eventId, Outcome outcome, String paymentId, String gatewayPaymentRef,
                           String checkoutRef, Long amountMinor, String currency) {

    public GatewayEvent(String eventId, Outcome outcome, String paymentId) {
        this(eventId, outcome, paymentId, null, null, null, null);
    }

    public GatewayEvent(String eventId, Outcome outcome, String paymentId, String gatewayPaymentRef) {
        this(eventId, outcome, paymentId, gatewayPaymentRef, null, null, null);
    }

    /** What a gateway event means for a payment. */
    public enum Outcome {
        SUCCEEDED,
        FAILED,
        REFUNDED,
        /** A chargeback the merchant lost: the money is gone. */
        DISPUTE_LOST,
        /** An event type this service does not act on (still recorded, so it is not reprocessed). */
        IRRELEVANT
    }
}
