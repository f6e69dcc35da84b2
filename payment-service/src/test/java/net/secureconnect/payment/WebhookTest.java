package net.secureconnect.payment;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.CreditsRevoked;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.RevocationReason;
import net.secureconnect.payment.gateway.StripeSignature;
import net.secureconnect.payment.repository.WebhookEventStore;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed webhooks through the real verification path, the state machine, and what reaches Kafka, read back
 * with a plain consumer.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class WebhookTest {

    @Inject
    WebhookEventStore webhookEvents;

    @Test
    void sandboxPayCreditsOnceThroughTheSignedWebhookPath() {
        String user = Api.newUser("payer");
        String account = TestTokens.subjectOf(user);
        String paymentId = Api.pendingPayment(user);

        given().when().post("/sandbox/checkout/" + paymentId + "/pay").then().statusCode(200)
                .body(containsString("SUCCEEDED"));
        assertEquals("SUCCEEDED", Api.status(user, paymentId));
        // Clicking Pay again sends a new event, which finds the payment already paid.
        given().when().post("/sandbox/checkout/" + paymentId + "/pay").then().statusCode(200);

        List<Event> events = PaymentEvents.of(account);
        assertEquals(1, events.size(), events.toString());
        CreditsPurchased purchased = assertInstanceOf(CreditsPurchased.class, events.get(0));
        assertEquals(paymentId, purchased.paymentId());
        assertEquals(100, purchased.credits());
        assertEquals(9900, purchased.amountMinor());
        assertEquals("INR", purchased.currency());
        assertEquals(EventIds.forCause(EventType.CREDITS_PURCHASED, paymentId), purchased.eventId());
    }

    @Test
    void sandboxDeclineFails() {
        String user = Api.newUser("decliner");
        String paymentId = Api.pendingPayment(user);
        given().when().post("/sandbox/checkout/" + paymentId + "/decline").then().statusCode(200);
        assertEquals("FAILED", Api.status(user, paymentId));
        assertEquals(List.of(), PaymentEvents.of(TestTokens.subjectOf(user)));
    }

    @Test
    void theSameWebhookFiveTimesCreditsOnce() {
        String user = Api.newUser("five");
        String paymentId = Api.pendingPayment(user);
        byte[] body = Api.paid(Api.eventId(), paymentId);
        Api.signedWebhook(body).statusCode(200).body("result", equalTo("APPLIED"));
        for (int i = 0; i < 4; i++) {
            Api.signedWebhook(body).statusCode(200).body("result", equalTo("DUPLICATE"));
        }
        assertEquals("SUCCEEDED", Api.status(user, paymentId));
        List<Event> events = PaymentEvents.of(TestTokens.subjectOf(user));
        assertEquals(1, events.stream().filter(e -> e instanceof CreditsPurchased).count(), events.toString());
        assertEquals(1, events.size());
    }

    @Test
    void aForgedSignatureIs400AndRecordsNothing() {
        String user = Api.newUser("forged");
        String paymentId = Api.pendingPayment(user);
        String eventId = Api.eventId();
        byte[] body = Api.paid(eventId, paymentId);
        Api.webhook(body, StripeSignature.sign("whsec_attacker", Instant.now(), body)).statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("INVALID_SIGNATURE"));
        Api.webhook(body, null).statusCode(400).body("code", equalTo("INVALID_SIGNATURE"));
        assertNothingRecorded(user, paymentId, eventId);
    }

    @Test
    void aStaleTimestampIs400AndRecordsNothing() {
        String user = Api.newUser("stale");
        String paymentId = Api.pendingPayment(user);
        String eventId = Api.eventId();
        byte[] body = Api.paid(eventId, paymentId);
        Api.webhook(body, StripeSignature.sign(Api.SANDBOX_SECRET, Instant.now().minusSeconds(301), body))
                .statusCode(400).body("code", equalTo("STALE_WEBHOOK"));
        assertNothingRecorded(user, paymentId, eventId);
    }

    @Test
    void aBodyAlteredAfterSigningIs400AndRecordsNothing() {
        String user = Api.newUser("altered");
        String paymentId = Api.pendingPayment(user);
        String eventId = Api.eventId();
        byte[] signedBody = Api.event(eventId, "checkout.session.completed", paymentId,
                "\"payment_status\":\"unpaid\"");
        String header = StripeSignature.sign(Api.SANDBOX_SECRET, Instant.now(), signedBody);
        byte[] altered = new String(signedBody, StandardCharsets.UTF_8).replace("unpaid", "paid")
                .getBytes(StandardCharsets.UTF_8);
        Api.webhook(altered, header).statusCode(400).body("code", equalTo("INVALID_SIGNATURE"));
        assertNothingRecorded(user, paymentId, eventId);
    }

    @Test
    void aSignedButUnreadableBodyIs400AndRecordsNothing() {
        byte[] body = "{\"no\":\"id\"}".getBytes(StandardCharsets.UTF_8);
        Api.signedWebhook(body).statusCode(400).body("code", equalTo("MALFORMED_WEBHOOK"));
        Api.signedWebhook("not json".getBytes(StandardCharsets.UTF_8)).statusCode(400)
                .body("code", equalTo("MALFORMED_WEBHOOK"));
    }

    @Test
    void refundAfterSuccessRevokesOnce() {
        String user = Api.newUser("refund");
        String paymentId = Api.pendingPayment(user);
        Api.signedWebhook(Api.paid(Api.eventId(), paymentId)).statusCode(200);
        given().auth().oauth2(TestTokens.forUser(user)).when().post("/sandbox/payments/" + paymentId + "/refund")
                .then().statusCode(200).body("result", equalTo("APPLIED"));
        // A second refund event (another id) and a late dispute change nothing.
        Api.signedWebhook(Api.refunded(Api.eventId(), paymentId)).statusCode(200).body("result", equalTo("IGNORED"));
        Api.signedWebhook(Api.disputeLost(Api.eventId(), paymentId)).statusCode(200).body("result", equalTo("IGNORED"));
        assertEquals("REFUNDED", Api.status(user, paymentId));

        List<Event> events = PaymentEvents.of(TestTokens.subjectOf(user));
        assertEquals(2, events.size(), events.toString());
        assertInstanceOf(CreditsPurchased.class, events.get(0));
        CreditsRevoked revoked = assertInstanceOf(CreditsRevoked.class, events.get(1));
        assertEquals(paymentId, revoked.paymentId());
        assertEquals(100, revoked.credits());
        assertEquals(RevocationReason.REFUND, revoked.reason());
    }

    @Test
    void aRefundBeforeTheSuccessEndsRefundedWithNoCreditsEitherWay() {
        String user = Api.newUser("early-refund");
        String paymentId = Api.pendingPayment(user);
        Api.signedWebhook(Api.refunded(Api.eventId(), paymentId)).statusCode(200).body("result", equalTo("APPLIED"));
        Api.signedWebhook(Api.paid(Api.eventId(), paymentId)).statusCode(200).body("result", equalTo("IGNORED"));
        assertEquals("REFUNDED", Api.status(user, paymentId));
        // Neither purchased nor revoked: the credits were never usable, so nothing can be overdrawn.
        assertEquals(List.of(), PaymentEvents.of(TestTokens.subjectOf(user)));
    }

    @Test
    void aLostDisputeRevokesAsChargeback() {
        String user = Api.newUser("dispute");
        String paymentId = Api.pendingPayment(user);
        Api.signedWebhook(Api.paid(Api.eventId(), paymentId)).statusCode(200);
        String disputeEvent = Api.eventId();
        for (int i = 0; i < 3; i++) {
            Api.signedWebhook(Api.disputeLost(disputeEvent, paymentId)).statusCode(200);
        }
        assertEquals("DISPUTED", Api.status(user, paymentId));
        List<Event> events = PaymentEvents.of(TestTokens.subjectOf(user));
        assertEquals(2, events.size(), events.toString());
        assertEquals(RevocationReason.CHARGEBACK, assertInstanceOf(CreditsRevoked.class, events.get(1)).reason());
    }

    @Test
    void aDisputeNamingOnlyThePaymentIntentIsMatchedToItsPayment() {
        // Stripe's dispute objects carry no metadata of ours, only the PaymentIntent the success named.
        String user = Api.newUser("pi-dispute");
        String paymentId = Api.pendingPayment(user);
        String intent = "pi_" + java.util.UUID.randomUUID().toString().replace("-", "");
        Api.signedWebhook(Api.event(Api.eventId(), "checkout.session.completed", paymentId,
                "\"id\":\"" + Api.session(paymentId) + "\",\"payment_status\":\"paid\",\"amount_total\":9900,"
                        + "\"currency\":\"inr\",\"payment_intent\":\"" + intent + "\"")).statusCode(200)
                .body("result", equalTo("APPLIED"));
        byte[] dispute = ("{\"id\":\"" + Api.eventId() + "\",\"type\":\"charge.dispute.closed\",\"data\":{\"object\":"
                + "{\"id\":\"dp_1\",\"object\":\"dispute\",\"status\":\"lost\",\"payment_intent\":\"" + intent
                + "\",\"metadata\":{}}}}").getBytes(StandardCharsets.UTF_8);
        Api.signedWebhook(dispute).statusCode(200).body("result", equalTo("APPLIED"));
        assertEquals("DISPUTED", Api.status(user, paymentId));
        List<Event> events = PaymentEvents.of(TestTokens.subjectOf(user));
        assertEquals(2, events.size(), events.toString());
        assertEquals(RevocationReason.CHARGEBACK, assertInstanceOf(CreditsRevoked.class, events.get(1)).reason());
    }

    @Test
    void aFailureAfterSuccessDoesNotUndoIt() {
        String user = Api.newUser("late-fail");
        String paymentId = Api.pendingPayment(user);
        Api.signedWebhook(Api.paid(Api.eventId(), paymentId)).statusCode(200);
        Api.signedWebhook(Api.event(Api.eventId(), "checkout.session.async_payment_failed", paymentId, ""))
                .statusCode(200).body("result", equalTo("IGNORED"));
        assertEquals("SUCCEEDED", Api.status(user, paymentId));
    }

    @Test
    void aSessionPaidForASmallPackCannotCreditTheLargePaymentItsMetadataNames() {
        // A success reporting the small payment's session and price, but naming the large payment as ours.
        String user = Api.newUser("swap");
        String small = Api.pendingPayment(user);
        String large = Api.topup(user, java.util.UUID.randomUUID().toString(), "large").statusCode(201)
                .extract().path("paymentId");
        String eventId = Api.eventId();
        Api.signedWebhook(Api.paid(eventId, large, Api.session(small), "9900", "\"inr\"")).statusCode(200)
                .body("result", equalTo("REJECTED")).body("code", equalTo("ORDER_MISMATCH"));
        assertEquals("PENDING", Api.status(user, large));
        assertEquals("PENDING", Api.status(user, small));
        assertEquals(List.of(), PaymentEvents.of(TestTokens.subjectOf(user)));
        assertEquals("ORDER_MISMATCH", webhookEvents.outcome(WebhookEventStore.key("sandbox", eventId)).orElseThrow());
    }

    @Test
    void aSuccessForAnotherAmountCreditsNothingAndIsAnsweredWithItsCode() {
        String user = Api.newUser("amount");
        String paymentId = Api.pendingPayment(user);
        String session = Api.session(paymentId);
        assertRefused(user, paymentId, Api.paid(Api.eventId(), paymentId, session, "1", "\"inr\""), "AMOUNT_MISMATCH");
        assertRefused(user, paymentId, Api.paid(Api.eventId(), paymentId, session, "99900", "\"inr\""),
                "AMOUNT_MISMATCH");
        // A success that does not say what was paid credits nothing either.
        assertRefused(user, paymentId, Api.paid(Api.eventId(), paymentId, session, "null", "\"inr\""),
                "AMOUNT_MISMATCH");
        // The payment is untouched: the right amount still credits it, once.
        Api.signedWebhook(Api.paid(Api.eventId(), paymentId)).statusCode(200).body("result", equalTo("APPLIED"));
        List<Event> events = PaymentEvents.of(TestTokens.subjectOf(user));
        assertEquals(1, events.size(), events.toString());
        assertEquals(9900, assertInstanceOf(CreditsPurchased.class, events.get(0)).amountMinor());
    }

    @Test
    void aSuccessInAnotherCurrencyCreditsNothingAndIsAnsweredWithItsCode() {
        String user = Api.newUser("currency");
        String paymentId = Api.pendingPayment(user);
        String session = Api.session(paymentId);
        assertRefused(user, paymentId, Api.paid(Api.eventId(), paymentId, session, "9900", "\"usd\""),
                "CURRENCY_MISMATCH");
        assertRefused(user, paymentId, Api.paid(Api.eventId(), paymentId, session, "9900", "null"),
                "CURRENCY_MISMATCH");
        // Stripe writes currencies in lower case, the packs in upper case: the same currency either way.
        Api.signedWebhook(Api.paid(Api.eventId(), paymentId, session, "9900", "\"INR\"")).statusCode(200)
                .body("result", equalTo("APPLIED"));
    }

    @Test
    void aSuccessWithoutTheSessionCreditsNothing() {
        String user = Api.newUser("no-session");
        String paymentId = Api.pendingPayment(user);
        assertRefused(user, paymentId, Api.event(Api.eventId(), "checkout.session.completed", paymentId,
                "\"payment_status\":\"paid\",\"amount_total\":9900,\"currency\":\"inr\""), "ORDER_MISMATCH");
    }

    /** Refused with {@code code}, recorded with it, answered DUPLICATE when delivered again; nothing changed. */
    private void assertRefused(String user, String paymentId, byte[] body, String code) {
        Api.signedWebhook(body).statusCode(200).body("result", equalTo("REJECTED")).body("code", equalTo(code));
        Api.signedWebhook(body).statusCode(200).body("result", equalTo("DUPLICATE"));
        assertEquals("PENDING", Api.status(user, paymentId));
        assertEquals(List.of(), PaymentEvents.of(TestTokens.subjectOf(user)));
        String eventId = new String(body, StandardCharsets.UTF_8).replaceAll("^\\{\"id\":\"([^\"]+)\".*$", "$1");
        assertEquals(code, webhookEvents.outcome(WebhookEventStore.key("sandbox", eventId)).orElseThrow());
    }

    @Test
    void anEventForAnUnknownPaymentIsRecordedAndIgnored() {
        String eventId = Api.eventId();
        Api.signedWebhook(Api.paid(eventId, "no-such-payment")).statusCode(200).body("result", equalTo("IGNORED"));
        Api.signedWebhook(Api.paid(eventId, "no-such-payment")).statusCode(200).body("result", equalTo("DUPLICATE"));
    }

    @Test
    void webhooksOfAnInactiveGatewayAre404() {
        byte[] body = Api.paid(Api.eventId(), "x");
        given().body(body).header("Stripe-Signature", StripeSignature.sign(Api.SANDBOX_SECRET, Instant.now(), body))
                .when().post("/webhooks/stripe").then().statusCode(404).body("code", equalTo("UNKNOWN_GATEWAY"));
    }

    private void assertNothingRecorded(String user, String paymentId, String eventId) {
        assertFalse(webhookEvents.seen(WebhookEventStore.key("sandbox", eventId)), "webhook event recorded");
        assertEquals("PENDING", Api.status(user, paymentId));
        assertEquals(List.of(), PaymentEvents.of(TestTokens.subjectOf(user)));
        // And the very same body, properly signed, is still processed: the rejection left no trace.
        Api.signedWebhook(Api.paid(eventId, paymentId)).statusCode(200).body("result", equalTo("APPLIED"));
        assertTrue(webhookEvents.seen(WebhookEventStore.key("sandbox", eventId)));
    }
}
