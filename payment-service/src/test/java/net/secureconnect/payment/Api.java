package net.secureconnect.payment;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import net.secureconnect.payment.gateway.StripeSignature;
import net.secureconnect.testsupport.TestTokens;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Calls on payment-service as a client and as a gateway would make them. */
public final class Api {

    /** The sandbox's default signing secret (application defaults); a test-side gateway signs with it. */
    public static final String SANDBOX_SECRET = "whsec_sandbox_local_only";

    private Api() {
    }

    /** A fresh user name, so tests sharing the broker and tables never see each other's payments. */
    public static String newUser(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static ValidatableResponse topup(String user, String key, String packId) {
        return given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON)
                .header("Idempotency-Key", key)
                .body("{\"packId\":\"" + packId + "\"}")
                .when().post("/topups").then().log().ifValidationFails();
    }

    /** Opens a checkout of pack {@code small} and returns the payment id. */
    public static String pendingPayment(String user) {
        return topup(user, UUID.randomUUID().toString(), "small").statusCode(201).extract().path("paymentId");
    }

    public static ValidatableResponse webhook(byte[] body, String signatureHeader) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        return request.when().post("/webhooks/sandbox").then().log().ifValidationFails();
    }

    public static ValidatableResponse signedWebhook(byte[] body) {
        return webhook(body, StripeSignature.sign(SANDBOX_SECRET, Instant.now(), body));
    }

    public static String status(String user, String paymentId) {
        return given().auth().oauth2(TestTokens.forUser(user)).when().get("/payments/" + paymentId)
                .then().statusCode(200).extract().path("status");
    }

    /** A Stripe-shaped event about our payment. */
    public static byte[] event(String eventId, String type, String paymentId, String objectFields) {
        return ("{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"created\":"
                + Instant.now().getEpochSecond() + ",\"data\":{\"object\":{" + objectFields
                + (objectFields.isEmpty() ? "" : ",") + "\"metadata\":{\"paymentId\":\"" + paymentId + "\"}}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A paid checkout session of a {@code small} pack (99.00 INR) opened by the sandbox for the payment. */
    public static byte[] paid(String eventId, String paymentId) {
        return paid(eventId, paymentId, session(paymentId), "9900", "\"inr\"");
    }

    /**
     * A paid checkout session as the gateway would report it, with raw JSON for the amount and currency (so a
     * test can leave them out with {@code null}), and our id in its metadata.
     */
    public static byte[] paid(String eventId, String paymentId, String sessionId, String amountJson,
                              String currencyJson) {
        return event(eventId, "checkout.session.completed", paymentId,
                "\"id\":\"" + sessionId + "\",\"object\":\"checkout.session\",\"payment_status\":\"paid\","
                        + "\"amount_total\":" + amountJson + ",\"currency\":" + currencyJson);
    }

    /** The checkout session id the sandbox gives a payment. */
    public static String session(String paymentId) {
        return "sbx_cs_" + paymentId;
    }

    public static byte[] refunded(String eventId, String paymentId) {
        return event(eventId, "charge.refunded", paymentId, "\"object\":\"charge\",\"refunded\":true");
    }

    public static byte[] disputeLost(String eventId, String paymentId) {
        return event(eventId, "charge.dispute.closed", paymentId, "\"object\":\"dispute\",\"status\":\"lost\"");
    }

    public static String eventId() {
        return "evt_test_" + UUID.randomUUID();
    }
}
