package net.secureconnect.payment.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.service.Payment;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Stripe: a Checkout Session per payment through the REST API ({@code POST /v1/checkout/sessions}, form
 * encoded, with Stripe's own Idempotency-Key so a retried open returns the same session), and webhooks
 * verified with Stripe's signature scheme. Our payment id travels as {@code client_reference_id} and as
 * metadata on the session and its PaymentIntent, so refund and dispute events name it too.
 */
@ApplicationScoped
public class StripeGateway implements PaymentGateway {

    public static final String NAME = "stripe";

    private final PaymentConfig.Stripe config;
    private final HttpClient http;
    private final Clock clock;

    @Inject
    public StripeGateway(PaymentConfig config) {
        this(config.stripe(), Clock.systemUTC());
    }

    StripeGateway(PaymentConfig.Stripe config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void requireConfigured() {
        if (config.secretKey().isEmpty() || config.webhookSecret().isEmpty()) {
            throw new IllegalStateException("payment.gateway=stripe needs payment.stripe.secret-key and webhook-secret");
        }
    }

    @Override
    public Checkout openCheckout(Payment payment) {
        String secretKey = config.secretKey().orElseThrow(() ->
                new IllegalStateException("payment.stripe.secret-key is not set"));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("mode", "payment");
        form.put("client_reference_id", payment.paymentId());
        form.put("success_url", config.successUrl());
        form.put("cancel_url", config.cancelUrl());
        form.put("line_items[0][quantity]", "1");
        form.put("line_items[0][price_data][currency]", payment.currency().toLowerCase(Locale.ROOT));
        form.put("line_items[0][price_data][unit_amount]", Long.toString(payment.amountMinor()));
        form.put("line_items[0][price_data][product_data][name]",
                payment.credits() + " SecureConnect credits");
        form.put("metadata[paymentId]", payment.paymentId());
        form.put("metadata[accountId]", payment.accountId());
        form.put("payment_intent_data[metadata][paymentId]", payment.paymentId());
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.apiBase() + "/v1/checkout/sessions"))
                .timeout(config.timeout())
                .header("Authorization", "Bearer " + secretKey)
                .header("Content-Type", "application/x-www-form-urlencoded")
                // Stripe replays the first answer for 24 h: opening the same payment twice is one session.
                .header("Idempotency-Key", "checkout-" + payment.paymentId())
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
        JsonNode body = GatewayCall.send(http, request, "Stripe", payment.paymentId());
        if (!body.path("id").isTextual() || !body.path("url").isTextual()) {
            throw GatewayCall.unavailable("Stripe's checkout session lacks id or url");
        }
        return new Checkout(body.get("id").asText(), body.get("url").asText());
    }

    @Override
    public GatewayEvent verify(Map<String, String> headers, byte[] rawBody) throws InvalidWebhookException {
        String secret = config.webhookSecret().orElseThrow(() ->
                new IllegalStateException("payment.stripe.webhook-secret is not set"));
        StripeSignature.verify(secret, headers.get(StripeSignature.HEADER), rawBody, clock.instant());
        return StripeEvents.read(rawBody);
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
