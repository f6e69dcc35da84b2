package net.secureconnect.payment.gateway;

import com.sun.net.httpserver.HttpServer;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.service.Payment;
import net.secureconnect.payment.service.PaymentStatus;
import net.secureconnect.runtime.rest.ProblemException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Stripe adapter against Stripe-shaped responses served by a stub on 127.0.0.1 (Stripe's API cannot
 * be reached from here). The response bodies in {@code src/test/resources/stripe/} follow Stripe's
 * documented objects; they were not captured from the live API.
 */
class StripeGatewayTest {

    private static final String PAYMENT_ID = "3f6b1c9e-7d2a-4e1b-9a8c-0d5e6f7a8b9c";
    private static final Instant NOW = Instant.parse("2025-11-26T09:01:40Z");

    private HttpServer stub;
    private final List<Map<String, String>> requests = new ArrayList<>();
    private int status = 200;
    private String responseResource = "checkout-session-created.json";

    @BeforeEach
    void startStub() throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/v1/checkout/sessions", exchange -> {
            Map<String, String> seen = new HashMap<>();
            seen.put("method", exchange.getRequestMethod());
            seen.put("authorization", exchange.getRequestHeaders().getFirst("Authorization"));
            seen.put("idempotency-key", exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            seen.put("content-type", exchange.getRequestHeaders().getFirst("Content-Type"));
            for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                String[] kv = pair.split("=", 2);
                seen.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            requests.add(seen);
            byte[] body = resource(responseResource).replace("PAYMENT_ID", PAYMENT_ID).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        stub.start();
    }

    @AfterEach
    void stopStub() {
        stub.stop(0);
    }

    @Test
    void opensACheckoutSessionAndReturnsItsUrl() {
        Checkout checkout = gateway().openCheckout(payment());
        assertEquals("cs_test_a1b2c3d4e5f6g7h8i9j0", checkout.gatewayRef());
        assertEquals("https://checkout.stripe.com/c/pay/cs_test_a1b2c3d4e5f6g7h8i9j0#fidkdWxOYHwnPyd1blpxYHZxWjA0",
                checkout.redirectUrl());

        Map<String, String> request = requests.get(0);
        assertEquals("POST", request.get("method"));
        assertEquals("Bearer sk_test_stub", request.get("authorization"));
        assertEquals("checkout-" + PAYMENT_ID, request.get("idempotency-key"));
        assertEquals("application/x-www-form-urlencoded", request.get("content-type"));
        assertEquals("payment", request.get("mode"));
        assertEquals(PAYMENT_ID, request.get("client_reference_id"));
        assertEquals(PAYMENT_ID, request.get("metadata[paymentId]"));
        assertEquals(PAYMENT_ID, request.get("payment_intent_data[metadata][paymentId]"));
        assertEquals("inr", request.get("line_items[0][price_data][currency]"));
        assertEquals("9900", request.get("line_items[0][price_data][unit_amount]"));
        assertEquals("1", request.get("line_items[0][quantity]"));
    }

    @Test
    void openingTheSamePaymentAgainSendsTheSameIdempotencyKey() {
        gateway().openCheckout(payment());
        gateway().openCheckout(payment());
        assertEquals(requests.get(0).get("idempotency-key"), requests.get(1).get("idempotency-key"));
    }

    @Test
    void aStripeErrorIs502() {
        status = 400;
        responseResource = "error-invalid-request.json";
        ProblemException e = assertThrows(ProblemException.class, () -> gateway().openCheckout(payment()));
        assertEquals(502, e.status());
        assertEquals("GATEWAY_UNAVAILABLE", e.code());
    }

    @Test
    void anUnreachableStripeIs502() {
        stub.stop(0);
        ProblemException e = assertThrows(ProblemException.class, () -> gateway().openCheckout(payment()));
        assertEquals("GATEWAY_UNAVAILABLE", e.code());
    }

    @Test
    void verifiesAndReadsARecordedWebhook() throws Exception {
        byte[] body = resource("event-checkout-session-completed.json").replace("PAYMENT_ID", PAYMENT_ID)
                .getBytes(StandardCharsets.UTF_8);
        String header = StripeSignature.sign("whsec_stub", NOW.minusSeconds(2), body);
        GatewayEvent event = gateway().verify(Map.of(StripeSignature.HEADER, header), body);
        // The session id and the amount charged travel along, to be checked against the payment row.
        assertEquals(new GatewayEvent("evt_1QxYzAB2cDeFgHiJ", GatewayEvent.Outcome.SUCCEEDED, PAYMENT_ID,
                "pi_3QxYzAB2cDeFgHiJ1abc", "cs_test_a1b2c3d4e5f6g7h8i9j0", 9900L, "inr"), event);

        InvalidWebhookException forged = assertThrows(InvalidWebhookException.class, () -> gateway().verify(
                Map.of(StripeSignature.HEADER, StripeSignature.sign("whsec_other", NOW, body)), body));
        assertEquals("INVALID_SIGNATURE", forged.code());
    }

    private StripeGateway gateway() {
        String base = "http://127.0.0.1:" + stub.getAddress().getPort();
        PaymentConfig.Stripe config = new PaymentConfig.Stripe() {
            public String apiBase() { return base; }
            public Optional<String> secretKey() { return Optional.of("sk_test_stub"); }
            public Optional<String> webhookSecret() { return Optional.of("whsec_stub"); }
            public String successUrl() { return "http://127.0.0.1:8085/topups/done?session={CHECKOUT_SESSION_ID}"; }
            public String cancelUrl() { return "http://127.0.0.1:8085/topups/cancelled"; }
            public Duration timeout() { return Duration.ofSeconds(5); }
        };
        return new StripeGateway(config, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Payment payment() {
        Instant at = Instant.parse("2025-11-26T09:00:00Z");
        return new Payment(PAYMENT_ID, "acc-1", "small", 100, 9900, "INR", "stripe", null, null,
                PaymentStatus.PENDING, false, false, 0, at, at);
    }

    private static String resource(String name) {
        try (InputStream in = StripeGatewayTest.class.getResourceAsStream("/stripe/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
