package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * The money loop through the real services and Kafka: a user buys a pack through the sandbox's hosted
 * checkout, payment-service verifies the signed webhook and publishes CreditsPurchased, the wallet
 * credits it; a refund takes the credits back. Works on a stack with earlier data: it compares with
 * the balance it found.
 */
class TopUpIT {

    private static final Duration WALLET_DEADLINE = Duration.ofSeconds(10);

    @Test
    void buyingAPackRaisesTheBalanceAndARefundTakesItBack() {
        String token = Keycloak.accessToken(E2eConfig.ALICE);
        String wallet = baseUrl("wallet-service");
        String payment = baseUrl("payment-service");
        long before = balance(wallet, token);

        JsonNode pack = Http.json(Http.get(payment + "/topups/packs", token)).get(0);
        String packId = pack.path("packId").asText();
        long credits = pack.path("credits").asLong();
        assertTrue(credits > 0, "pack " + pack);

        HttpResponse<String> checkout = Http.postJson(payment + "/topups",
                Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json",
                        "Idempotency-Key", UUID.randomUUID().toString()),
                "{\"packId\":\"" + packId + "\"}");
        assertEquals(201, checkout.statusCode(), checkout.body());
        JsonNode pending = Http.json(checkout);
        String paymentId = pending.path("paymentId").asText();
        assertEquals(before, balance(wallet, token), "nothing is credited before paying");

        // What the Pay button of the hosted checkout page does.
        long payClicked = System.nanoTime();
        HttpResponse<String> paid = Http.postJson(payment + "/sandbox/checkout/" + paymentId + "/pay", Map.of(), "");
        assertEquals(200, paid.statusCode(), paid.body());
        long afterPurchase = awaitBalance(wallet, token, b -> b == before + credits);
        assertEquals(before + credits, afterPurchase);
        // Reported, not asserted (shared machines): the target is under a second.
        System.out.printf("[TopUpIT] pay click -> wallet balance raised: %d ms%n",
                Duration.ofNanos(System.nanoTime() - payClicked).toMillis());
        assertEquals("SUCCEEDED", Http.json(Http.get(payment + "/payments/" + paymentId, token)).path("status").asText());

        HttpResponse<String> refund = Http.postJson(payment + "/sandbox/payments/" + paymentId + "/refund",
                Map.of("Authorization", "Bearer " + token), "");
        assertEquals(200, refund.statusCode(), refund.body());
        assertEquals(before, awaitBalance(wallet, token, b -> b == before));
        assertEquals("REFUNDED", Http.json(Http.get(payment + "/payments/" + paymentId, token)).path("status").asText());
    }

    private static long balance(String wallet, String token) {
        HttpResponse<String> response = Http.get(wallet + "/wallet", token);
        assertEquals(200, response.statusCode(), response.body());
        return Http.json(response).path("balance").asLong();
    }

    /** Polls the wallet until the balance matches (events cross Kafka), failing with the last value seen. */
    private static long awaitBalance(String wallet, String token, LongPredicate expected) {
        long deadline = System.nanoTime() + WALLET_DEADLINE.toNanos();
        long seen = balance(wallet, token);
        while (!expected.test(seen) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            seen = balance(wallet, token);
        }
        return seen;
    }

    private static String baseUrl(String service) {
        return E2eConfig.services().stream().filter(s -> s.name().equals(service)).findFirst()
                .orElseThrow().baseUrl();
    }
}
