package net.secureconnect.sdk.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * payment-service's API for the caller's own top-ups (docs/payment.md): the packs on sale, opening a checkout,
 * and following one payment until the gateway settles it. The account is always the token's subject.
 */
public final class PaymentClient {

    private final HttpJson http;

    /** @param base e.g. {@code http://127.0.0.1:8085/} */
    public PaymentClient(HttpClient http, URI base, Supplier<String> accessToken) {
        this.http = new HttpJson(http, base, accessToken);
    }

    /** A top-up pack: {@code credits} for {@code priceMinor} (paise, cents) in {@code currency}. */
    public record Pack(String packId, long credits, long priceMinor, String currency) {
        /** The price as people read it, e.g. {@code 99.00 INR}. */
        public String price() {
            return String.format(java.util.Locale.ROOT, "%d.%02d %s", priceMinor / 100, priceMinor % 100, currency);
        }
    }

    /** One checkout: {@code status} is PENDING until the gateway reports, then SUCCEEDED, FAILED, REFUNDED or DISPUTED. */
    public record Payment(String paymentId, String packId, long credits, long amountMinor, String currency, String status,
                          String checkoutUrl) {
        public boolean pending() {
            return "PENDING".equals(status);
        }
    }

    /** {@code GET /topups/packs}. */
    public List<Pack> packs() {
        List<Pack> packs = new ArrayList<>();
        for (JsonNode p : http.get("topups/packs")) {
            packs.add(new Pack(p.path("packId").asText(), p.path("credits").asLong(), p.path("priceMinor").asLong(),
                    p.path("currency").asText()));
        }
        return packs;
    }

    /**
     * {@code POST /topups}: opens a checkout for the pack. The same {@code idempotencyKey} and pack give the same
     * payment again (a retry after a lost answer opens no second checkout).
     */
    public Payment openCheckout(String packId, String idempotencyKey) {
        return payment(http.post("topups", Map.of("packId", packId), Map.of("Idempotency-Key", idempotencyKey)));
    }

    /** {@code GET /payments/{id}}: one of the caller's payments. */
    public Payment payment(String paymentId) {
        return payment(http.get("payments/" + URLEncoder.encode(paymentId, StandardCharsets.UTF_8)));
    }

    private static Payment payment(JsonNode p) {
        return new Payment(p.path("paymentId").asText(), p.path("packId").asText(), p.path("credits").asLong(),
                p.path("amountMinor").asLong(), p.path("currency").asText(), p.path("status").asText(),
                p.path("checkoutUrl").asText(null));
    }
}
