package net.secureconnect.payment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.Event;
import net.secureconnect.payment.gateway.RazorpayGateway;
import net.secureconnect.payment.gateway.StripeSignature;
import net.secureconnect.testsupport.Dynoxide;
import net.secureconnect.testsupport.ServiceProcess;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The packaged service in the prod profile with the Razorpay gateway, against the test JVM's Kafka broker and
 * dynoxide, its Orders API played by a stub on 127.0.0.1; webhooks are signed like Razorpay signs them and go
 * through {@code POST /webhooks/razorpay}. A modified browser checkout can put any notes on a payment, and
 * anybody who saw one webhook can send it again with another event id header: neither buys anything.
 */
class RazorpayWebhookIT {

    static final String WEBHOOK_SECRET = "it-webhook-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger ORDERS = new AtomicInteger();
    /** Our payment id (the order's receipt) → the order id the stub gave it. */
    private static final Map<String, String> ORDER_OF = new ConcurrentHashMap<>();

    private static HttpServer razorpay;
    private static ServiceProcess service;
    private static DynamoDbClient dynamo;

    static Map<String, String> razorpaySettings(String apiBase) {
        return Map.of("payment.gateway", "razorpay", "payment.razorpay.api-base", apiBase,
                "payment.razorpay.key-id", "rzp_test_it", "payment.razorpay.key-secret", "it-key-" + UUID.randomUUID(),
                "payment.razorpay.webhook-secret", WEBHOOK_SECRET);
    }

    @BeforeAll
    static void start() throws IOException {
        razorpay = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        razorpay.createContext("/v1/orders", exchange -> {
            JsonNode order = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String id = "order_IT" + ORDERS.incrementAndGet() + UUID.randomUUID().toString().substring(0, 8);
            ORDER_OF.put(order.get("receipt").asText(), id);
            byte[] body = JSON.createObjectNode().put("id", id).put("entity", "order")
                    .put("amount", order.get("amount").asLong()).put("currency", order.get("currency").asText())
                    .put("status", "created").toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        razorpay.start();
        service = ServiceProcess.start("payment-razorpay", ProductionProfileIT.APP,
                razorpaySettings("http://127.0.0.1:" + razorpay.getAddress().getPort()));
        dynamo = DynamoDbClient.builder().endpointOverride(URI.create(Dynoxide.endpoint())).region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.stop();
        }
        if (razorpay != null) {
            razorpay.stop(0);
        }
        if (dynamo != null) {
            dynamo.close();
        }
    }

    @Test
    void aSmallPackOrderWithNotesNamingALargePackPaymentCreditsOnlyTheSmallPack() {
        String user = Api.newUser("rzp-notes");
        String small = checkout(user, "small");
        String large = checkout(user, "large");
        // Paid 99.00 INR for the small pack's order; the browser wrote the large payment's id into the notes.
        String pay = payId();
        webhook(captured(pay, ORDER_OF.get(small), 9900, "INR", large), "evt_" + pay).statusCode(200)
                .body("result", equalTo("APPLIED"));
        assertEquals("PENDING", status(user, large));
        assertEquals("SUCCEEDED", status(user, small));
        List<Event> events = PaymentEvents.of(TestTokens.subjectOf(user));
        assertEquals(1, events.size(), events.toString());
        CreditsPurchased purchased = assertInstanceOf(CreditsPurchased.class, events.get(0));
        assertEquals(small, purchased.paymentId());
        assertEquals(100, purchased.credits());
        assertEquals(9900, purchased.amountMinor());
    }

    @Test
    void anAmountOrCurrencyOtherThanTheOrdersCreditsNothingAndIsAnsweredWithItsCode() {
        String user = Api.newUser("rzp-amount");
        String large = checkout(user, "large");
        String order = ORDER_OF.get(large);
        String cheap = payId();
        webhook(captured(cheap, order, 9900, "INR", null), "evt_" + cheap).statusCode(200)
                .body("result", equalTo("REJECTED")).body("code", equalTo("AMOUNT_MISMATCH"));
        String dollars = payId();
        webhook(captured(dollars, order, 99900, "USD", null), "evt_" + dollars).statusCode(200)
                .body("result", equalTo("REJECTED")).body("code", equalTo("CURRENCY_MISMATCH"));
        assertEquals("AMOUNT_MISMATCH", recordedOutcome("payment.captured:" + cheap));
        assertEquals("CURRENCY_MISMATCH", recordedOutcome("payment.captured:" + dollars));
        assertEquals("PENDING", status(user, large));
        assertEquals(List.of(), PaymentEvents.of(TestTokens.subjectOf(user)));
    }

    @Test
    void aReplayedWebhookWithANewEventIdHeaderCreditsNothingMore() {
        String user = Api.newUser("rzp-replay");
        String small = checkout(user, "small");
        String pay = payId();
        byte[] body = captured(pay, ORDER_OF.get(small), 9900, "INR", null);
        webhook(body, "evt_original").statusCode(200).body("result", equalTo("APPLIED"));
        for (int i = 0; i < 3; i++) {
            webhook(body, "evt_forged_" + UUID.randomUUID()).statusCode(200).body("result", equalTo("DUPLICATE"));
        }
        assertEquals(1, PaymentEvents.of(TestTokens.subjectOf(user)).size());
    }

    @Test
    void anOrderWeDidNotCreateCreditsNothing() {
        String pay = payId();
        webhook(captured(pay, "order_NotOurs" + UUID.randomUUID().toString().substring(0, 8), 9900, "INR", null),
                "evt_" + pay).statusCode(200).body("result", equalTo("IGNORED"));
    }

    @Test
    void theSandboxCannotBeReachedInProduction() {
        String user = Api.newUser("rzp-sandbox");
        String small = checkout(user, "small");
        given().baseUri(service.url("")).when().post("/sandbox/checkout/" + small + "/pay").then().statusCode(404);
        given().baseUri(service.url("")).when().get("/sandbox/checkout/" + small).then().statusCode(404);
        byte[] body = Api.paid(Api.eventId(), small);
        given().baseUri(service.url("")).contentType(ContentType.JSON).body(body)
                .header("Stripe-Signature", StripeSignature.sign("whsec_sandbox_local_only", Instant.now(), body))
                .when().post("/webhooks/sandbox").then().statusCode(404);
        assertEquals("PENDING", status(user, small));
    }

    private static String checkout(String user, String packId) {
        return given().baseUri(service.url("")).auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON)
                .header("Idempotency-Key", UUID.randomUUID().toString()).body("{\"packId\":\"" + packId + "\"}")
                .when().post("/topups").then().statusCode(201).extract().path("paymentId");
    }

    private static String status(String user, String paymentId) {
        return given().baseUri(service.url("")).auth().oauth2(TestTokens.forUser(user))
                .when().get("/payments/" + paymentId).then().statusCode(200).extract().path("status");
    }

    private static ValidatableResponse webhook(byte[] body, String eventIdHeader) {
        return given().baseUri(service.url("")).contentType(ContentType.JSON).body(body)
                .header("X-Razorpay-Signature", RazorpayGateway.sign(WEBHOOK_SECRET, body))
                .header("X-Razorpay-Event-Id", eventIdHeader)
                .when().post("/webhooks/razorpay").then().log().ifValidationFails();
    }

    /** Razorpay's {@code payment.captured}; {@code notesPaymentId} is what the browser put in the notes. */
    private static byte[] captured(String payId, String orderId, long amount, String currency, String notesPaymentId) {
        var payment = JSON.createObjectNode().put("id", payId).put("entity", "payment").put("amount", amount)
                .put("currency", currency).put("status", "captured").put("order_id", orderId).put("captured", true);
        if (notesPaymentId != null) {
            payment.putObject("notes").put("paymentId", notesPaymentId);
        }
        var event = JSON.createObjectNode().put("entity", "event").put("event", "payment.captured");
        event.putArray("contains").add("payment");
        event.putObject("payload").putObject("payment").set("entity", payment);
        event.put("created_at", Instant.now().getEpochSecond());
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String payId() {
        return "pay_IT" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
    }

    private static String recordedOutcome(String dedupId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName("sc-webhook-events").consistentRead(true)
                .key(Map.of("webhookEventId", AttributeValue.fromS("razorpay:" + dedupId)))).item();
        return item.get("outcome").s();
    }
}
