package net.secureconnect.payment.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * Reads a verified Stripe-shaped event ({@code {"id","type","data":{"object":{…,"metadata":{"paymentId"}}}}}),
 * as sent by Stripe and by the sandbox. Our payment id travels as {@code metadata.paymentId} (set on the
 * Checkout Session and its PaymentIntent) or as the session's {@code client_reference_id}.
 */
public final class StripeEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StripeEvents() {
    }

    /** Only ever called on bytes whose signature was verified. */
    public static GatewayEvent read(byte[] verifiedBody) throws InvalidWebhookException {
        JsonNode root;
        try {
            root = JSON.readTree(verifiedBody);
        } catch (IOException e) {
            throw new InvalidWebhookException("MALFORMED_WEBHOOK", "webhook body is not JSON");
        }
        if (root == null || !root.path("id").isTextual() || !root.path("type").isTextual()) {
            throw new InvalidWebhookException("MALFORMED_WEBHOOK", "webhook needs id and type");
        }
        String eventId = root.get("id").asText();
        if (eventId.isEmpty() || eventId.length() > 128) {
            throw new InvalidWebhookException("MALFORMED_WEBHOOK", "webhook id must be 1-128 characters");
        }
        JsonNode object = root.path("data").path("object");
        String paymentId = text(object.path("metadata").path("paymentId"));
        if (paymentId == null) {
            paymentId = text(object.path("client_reference_id"));
        }
        // Sessions, charges and disputes all name their PaymentIntent; disputes carry no metadata of ours.
        String paymentIntent = text(object.path("payment_intent"));
        if (paymentIntent == null && "payment_intent".equals(object.path("object").asText())) {
            paymentIntent = text(object.path("id"));
        }
        String type = root.get("type").asText();
        // A checkout.session.* event is about the session we created: its id and the amount actually charged
        // are cross-checked against the payment row before anything is credited.
        String session = null;
        Long amount = null;
        String currency = null;
        if (type.startsWith("checkout.session.")) {
            session = text(object.path("id"));
            amount = minorUnits(object.path("amount_total"));
            currency = text(object.path("currency"));
        }
        return new GatewayEvent(eventId, outcome(type, object), paymentId, paymentIntent, session, amount, currency);
    }

    private static GatewayEvent.Outcome outcome(String type, JsonNode object) {
        switch (type) {
            case "checkout.session.completed":
                // "unpaid" means an asynchronous method; its outcome comes as async_payment_* later.
                return "paid".equals(object.path("payment_status").asText())
                        ? GatewayEvent.Outcome.SUCCEEDED : GatewayEvent.Outcome.IRRELEVANT;
            case "checkout.session.async_payment_succeeded":
                return GatewayEvent.Outcome.SUCCEEDED;
            case "checkout.session.async_payment_failed":
            case "checkout.session.expired":
                return GatewayEvent.Outcome.FAILED;
            case "charge.refunded":
                // A partial refund keeps the credits; only a full refund revokes them.
                return object.path("refunded").asBoolean(false)
                        ? GatewayEvent.Outcome.REFUNDED : GatewayEvent.Outcome.IRRELEVANT;
            case "charge.dispute.closed":
                return "lost".equals(object.path("status").asText())
                        ? GatewayEvent.Outcome.DISPUTE_LOST : GatewayEvent.Outcome.IRRELEVANT;
            default:
                return GatewayEvent.Outcome.IRRELEVANT;
        }
    }

    /** An integral JSON number that fits a long (an amount in minor units), else null. */
    static Long minorUnits(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : null;
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }
}
