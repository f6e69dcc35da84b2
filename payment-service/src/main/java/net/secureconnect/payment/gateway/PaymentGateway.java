package net.secureconnect.payment.gateway;

import net.secureconnect.payment.service.Payment;

import java.util.Map;

/** One payment gateway: opens checkouts and verifies and reads its webhooks. */
public interface PaymentGateway {

    /** Fails when a setting the gateway needs (API key, webhook secret) is missing; checked at startup. */
    default void requireConfigured() {
    }

    /** Name in configuration and in the webhook path {@code /webhooks/{name}}. */
    String name();

    /**
     * Opens a checkout for the pending payment. Called again for the same payment when an earlier attempt
     * did not finish, so it must be idempotent per {@code payment.paymentId()}.
     */
    Checkout openCheckout(Payment payment);

    /**
     * Verifies the signature over the raw bytes, and only then parses them.
     *
     * @param headers request headers, names lower-case
     */
    GatewayEvent verify(Map<String, String> headers, byte[] rawBody) throws InvalidWebhookException;
}
