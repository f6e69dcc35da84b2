package net.secureconnect.payment.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Razorpay adapter against Razorpay-shaped responses served by a stub on 127.0.0.1 (the API cannot be
 * reached from here). The bodies in {@code src/test/resources/razorpay/} follow Razorpay's documented
 * entities; they were not captured from the live API.
 */
class RazorpayGatewayTest {

    private static final String PAYMENT_ID = "3f6b1c9e-7d2a-4e1b-9a8c-0d5e6f7a8b9c";
    private static final String WEBHOOK_SECRET = "rzp_webhook_stub";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer stub;
    private final List<String> authorizations = new ArrayList<>();
    private final List<JsonNode> bodies = new ArrayList<>();
    private int status = 200;
    private String responseResource = "order-created.json";

    @BeforeEach
    void startStub() throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/v1/orders", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            bodies.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            byte[] body = resource(responseResource).getBytes(StandardCharsets.UTF_8);
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
    void createsAnOrderAndPointsTheBrowserAtOurCheckoutPage() {
        Checkout checkout = gateway().openCheckout(payment());
        assertEquals("order_IluGWxBm9U8zJ8", checkout.gatewayRef());
        assertEquals("http://127.0.0.1:8085/razorpay/checkout/" + PAYMENT_ID, checkout.redirectUrl());
        assertEquals("Basic " + Base64.getEncoder().encodeToString("rzp_test_key:rzp_secret".getBytes(StandardCharsets.UTF_8)),
                authorizations.get(0));
        JsonNode order = bodies.get(0);
        assertEquals(9900, order.get("amount").asLong());
        assertEquals("INR", order.get("currency").asText());
        assertEquals(PAYMENT_ID, order.get("notes").get("paymentId").asText());
    }

    @Test
    void aRazorpayErrorIs502() {
        status = 401;
        responseResource = "error-bad-request.json";
        ProblemException e = assertThrows(ProblemException.class, () -> gateway().openCheckout(payment()));
        assertEquals(502, e.status());
        assertEquals("GATEWAY_UNAVAILABLE", e.code());
    }

    @Test
    void verifiesAndReadsRecordedWebhooks() throws Exception {
        // Our payment is never taken from notes (the browser sets a payment's notes); the order names it.
        byte[] captured = webhook("event-payment-captured.json");
        assertEquals(new GatewayEvent("payment.captured:pay_DESlfW9H8K9uqM", GatewayEvent.Outcome.SUCCEEDED, null,
                        "pay_DESlfW9H8K9uqM", "order_IluGWxBm9U8zJ8", 9900L, "INR"),
                gateway().verify(headers(captured, "evt_cap_1"), captured));
        byte[] refunded = webhook("event-refund-processed.json");
        assertEquals(new GatewayEvent("refund.processed:rfnd_FP8QHiV938haTz", GatewayEvent.Outcome.REFUNDED, null,
                        "pay_DESlfW9H8K9uqM", "order_IluGWxBm9U8zJ8", 9900L, "INR"),
                gateway().verify(headers(refunded, "evt_ref_1"), refunded));
    }

    @Test
    void theUnsignedEventIdHeaderDoesNotMakeAReplayNew() throws Exception {
        byte[] captured = webhook("event-payment-captured.json");
        String first = gateway().verify(headers(captured, "evt_cap_1"), captured).eventId();
        assertEquals(first, gateway().verify(headers(captured, "evt_replayed_2"), captured).eventId());
        assertEquals(first, gateway().verify(Map.of(RazorpayGateway.SIGNATURE_HEADER,
                RazorpayGateway.sign(WEBHOOK_SECRET, captured)), captured).eventId());
        // A signed body naming no entity is known by its hash.
        byte[] bare = "{\"event\":\"payment.authorized\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8);
        String id = gateway().verify(headers(bare, "e1"), bare).eventId();
        assertEquals(id, gateway().verify(headers(bare, "e2"), bare).eventId());
        assertEquals(71, id.length(), id); // "sha256:" + 64 hex
    }

    @Test
    void refusesForgedAlteredUnsignedAndUnidentifiedWebhooks() {
        byte[] body = webhook("event-payment-captured.json");
        assertCode("INVALID_SIGNATURE", Map.of(RazorpayGateway.SIGNATURE_HEADER, RazorpayGateway.sign("other", body),
                RazorpayGateway.EVENT_ID_HEADER, "e1"), body);
        byte[] altered = new String(body, StandardCharsets.UTF_8).replace("9900", "1").getBytes(StandardCharsets.UTF_8);
        assertCode("INVALID_SIGNATURE", headers(body, "e1"), altered);
        assertCode("INVALID_SIGNATURE", Map.of(RazorpayGateway.EVENT_ID_HEADER, "e1"), body);
        assertCode("INVALID_SIGNATURE", Map.of(RazorpayGateway.SIGNATURE_HEADER, "not-hex",
                RazorpayGateway.EVENT_ID_HEADER, "e1"), body);
        byte[] noEvent = "{\"payload\":{}}".getBytes(StandardCharsets.UTF_8);
        assertCode("MALFORMED_WEBHOOK", headers(noEvent, "e1"), noEvent);
    }

    private void assertCode(String code, Map<String, String> headers, byte[] body) {
        InvalidWebhookException e = assertThrows(InvalidWebhookException.class, () -> gateway().verify(headers, body));
        assertEquals(code, e.code());
    }

    private static Map<String, String> headers(byte[] body, String eventId) {
        return Map.of(RazorpayGateway.SIGNATURE_HEADER, RazorpayGateway.sign(WEBHOOK_SECRET, body),
                RazorpayGateway.EVENT_ID_HEADER, eventId);
    }

    private static byte[] webhook(String name) {
        return resource(name).replace("PAYMENT_ID", PAYMENT_ID).getBytes(StandardCharsets.UTF_8);
    }

    private RazorpayGateway gateway() {
        String base = "http://127.0.0.1:" + stub.getAddress().getPort();
        PaymentConfig.Razorpay config = new PaymentConfig.Razorpay() {
            public String apiBase() { return base; }
            public Optional<String> keyId() { return Optional.of("rzp_test_key"); }
            public Optional<String> keySecret() { return Optional.of("rzp_secret"); }
            public Optional<String> webhookSecret() { return Optional.of(WEBHOOK_SECRET); }
            public Duration timeout() { return Duration.ofSeconds(5); }
        };
        return new RazorpayGateway(config, "http://127.0.0.1:8085");
    }

    private static Payment payment() {
        Instant at = Instant.parse("2025-11-26T09:00:00Z");
        return new Payment(PAYMENT_ID, "acc-1", "small", 100, 9900, "INR", "razorpay", null, null,
                PaymentStatus.PENDING, false, false, 0, at, at);
    }

    private static String resource(String name) {
        try (InputStream in = RazorpayGatewayTest.class.getResourceAsStream("/razorpay/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
