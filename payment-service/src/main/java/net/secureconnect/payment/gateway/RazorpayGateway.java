package net.secureconnect.payment.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.service.Payment;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Razorpay: an order per payment through the Orders API ({@code POST /v1/orders}), paid in the browser by
 * Razorpay's checkout on our page {@code /razorpay/checkout/{paymentId}}; webhooks signed with
 * {@code X-Razorpay-Signature} = hex HMAC-SHA256 of the raw body. The scheme has no timestamp, so replays
 * are stopped by recording, once in webhook-events, a key read from the signed body ({@link #dedupId}); the
 * unsigned {@code X-Razorpay-Event-Id} header is not used. A webhook's payment is found by the order id
 * (stored on the payment row when the order was created), never by notes.
 */
@ApplicationScoped
public class RazorpayGateway implements PaymentGateway {

    public static final String NAME = "razorpay";
    public static final String SIGNATURE_HEADER = "x-razorpay-signature";
    /** Razorpay's event id header: not covered by the signature, so not used for anything. */
    public static final String EVENT_ID_HEADER = "x-razorpay-event-id";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PaymentConfig.Razorpay config;
    private final String publicBaseUrl;
    private final HttpClient http;

    @Inject
    public RazorpayGateway(PaymentConfig config) {
        this(config.razorpay(), config.publicBaseUrl());
    }

    RazorpayGateway(PaymentConfig.Razorpay config, String publicBaseUrl) {
        this.config = config;
        this.publicBaseUrl = publicBaseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void requireConfigured() {
        if (config.keyId().isEmpty() || config.keySecret().isEmpty() || config.webhookSecret().isEmpty()) {
            throw new IllegalStateException(
                    "payment.gateway=razorpay needs payment.razorpay.key-id, key-secret and webhook-secret");
        }
    }

    @Override
    public Checkout openCheckout(Payment payment) {
        String keyId = config.keyId().orElseThrow(() -> new IllegalStateException("payment.razorpay.key-id is not set"));
        String keySecret = config.keySecret().orElseThrow(() ->
                new IllegalStateException("payment.razorpay.key-secret is not set"));
        ObjectNode order = JSON.createObjectNode();
        order.put("amount", payment.amountMinor());
        order.put("currency", payment.currency());
        order.put("receipt", payment.paymentId().length() <= 40 ? payment.paymentId() : payment.paymentId().substring(0, 40));
        order.putObject("notes").put("paymentId", payment.paymentId());
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.apiBase() + "/v1/orders"))
                .timeout(config.timeout())
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (keyId + ":" + keySecret).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(order.toString()))
                .build();
        JsonNode body = GatewayCall.send(http, request, "Razorpay", payment.paymentId());
        if (!body.path("id").isTextual()) {
            throw GatewayCall.unavailable("Razorpay's order lacks an id");
        }
        return new Checkout(body.get("id").asText(), publicBaseUrl + "/razorpay/checkout/" + payment.paymentId());
    }

    @Override
    public GatewayEvent verify(Map<String, String> headers, byte[] rawBody) throws InvalidWebhookException {
        String secret = config.webhookSecret().orElseThrow(() ->
                new IllegalStateException("payment.razorpay.webhook-secret is not set"));
        verifySignature(secret, headers.get(SIGNATURE_HEADER), rawBody);
        JsonNode root;
        try {
            root = JSON.readTree(rawBody);
        } catch (IOException e) {
            throw new InvalidWebhookException("MALFORMED_WEBHOOK", "webhook body is not JSON");
        }
        if (root == null || !root.path("event").isTextual()) {
            throw new InvalidWebhookException("MALFORMED_WEBHOOK", "webhook needs event");
        }
        String event = root.get("event").asText();
        JsonNode payload = root.path("payload");
        JsonNode payment = payload.path("payment").path("entity");
        JsonNode order = payload.path("order").path("entity");
        // The order we created is what names the payment: notes on Razorpay's payment come from the browser's
        // checkout options, so anybody can write another payment's id there. They are never read.
        String orderId = text(payment.path("order_id"));
        if (orderId == null) {
            orderId = text(order.path("id"));
        }
        Long amount;
        String currency;
        if (payment.isObject()) {
            amount = StripeEvents.minorUnits(payment.path("amount"));
            currency = text(payment.path("currency"));
        } else {
            amount = StripeEvents.minorUnits(order.path("amount_paid"));
            currency = text(order.path("currency"));
        }
        return new GatewayEvent(dedupId(event, payload, rawBody), outcome(event, payment), null,
                text(payment.path("id")), orderId, amount, currency);
    }

    /**
     * What a webhook is recognised by when it comes again. Not the {@code X-Razorpay-Event-Id} header: the
     * signature covers the body only, so a captured webhook replayed with a new header value would pass as
     * new. Instead the event type and the id of the entity it is about (refund, dispute, payment, order, in
     * that order), all inside the signed body; a body naming none of them is known by its SHA-256.
     */
    static String dedupId(String event, JsonNode payload, byte[] rawBody) {
        for (String entity : new String[] {"refund", "dispute", "payment", "order"}) {
            String id = text(payload.path(entity).path("entity").path("id"));
            if (id != null && id.length() <= 100 && event.length() <= 60) {
                return event + ":" + id;
            }
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rawBody));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    /** Hex HMAC-SHA256 of the raw body, compared in constant time. */
    public static void verifySignature(String secret, String header, byte[] body) throws InvalidWebhookException {
        if (header == null || header.isBlank()) {
            throw new InvalidWebhookException("INVALID_SIGNATURE", "X-Razorpay-Signature header missing");
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidWebhookException("INVALID_SIGNATURE", "X-Razorpay-Signature unreadable");
        }
        if (!MessageDigest.isEqual(hmac(secret, body), given)) {
            throw new InvalidWebhookException("INVALID_SIGNATURE", "signature does not match");
        }
    }

    /** The header value for {@code body} (tests). */
    public static String sign(String secret, byte[] body) {
        return HexFormat.of().formatHex(hmac(secret, body));
    }

    private static GatewayEvent.Outcome outcome(String event, JsonNode payment) {
        switch (event) {
            case "payment.captured":
            case "order.paid":
                return GatewayEvent.Outcome.SUCCEEDED;
            case "payment.failed":
                return GatewayEvent.Outcome.FAILED;
            case "refund.processed":
                // A partial refund keeps the credits; only a full one revokes them.
                return "full".equals(payment.path("refund_status").asText())
                        ? GatewayEvent.Outcome.REFUNDED : GatewayEvent.Outcome.IRRELEVANT;
            case "payment.dispute.lost":
                return GatewayEvent.Outcome.DISPUTE_LOST;
            default:
                return GatewayEvent.Outcome.IRRELEVANT;
        }
    }

    private static byte[] hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JRE has HmacSHA256", e);
        }
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    /** The key id the browser's checkout needs (public by design). */
    public String keyId() {
        return config.keyId().orElse("");
    }
}
