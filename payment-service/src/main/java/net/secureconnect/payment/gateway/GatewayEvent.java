package net.secureconnect.payment.gateway;

/**
 * A verified gateway webhook reduced to what the payment state machine needs.
 *
 * @param eventId           the gateway's own event id, unique per gateway (deduplication key)
 * @param outcome           what happened to the payment
 * @param paymentId         our payment id, carried by the gateway as metadata; null when the event names none
 * @param gatewayPaymentRef the gateway's id of the money movement (Stripe PaymentIntent, Razorpay payment),
 *                          by which refund and dispute events that lack our metadata are matched; may be null
 */
public record GatewayEvent(String eventId, Outcome outcome, String paymentId, String gatewayPaymentRef) {

    public GatewayEvent(String eventId, Outcome outcome, String paymentId) {
        this(eventId, outcome, paymentId, null);
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
