package net.secureconnect.payment;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.messaging.OutboxRelay;
import net.secureconnect.payment.messaging.PaymentEventPublisher;
import net.secureconnect.payment.repository.OutboxStore;
import net.secureconnect.payment.repository.PaymentStore;
import net.secureconnect.payment.repository.Transactions;
import net.secureconnect.payment.repository.WebhookEventStore;
import net.secureconnect.payment.service.Payment;
import net.secureconnect.payment.service.PaymentStatus;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash between the DynamoDB commit and the Kafka publish loses nothing: the state change and its outbox
 * row are committed together (as the webhook processor does), the process "dies" before publishing, and a
 * new relay (what the next start runs) publishes the row exactly once.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class OutboxRecoveryTest {

    @Inject
    PaymentStore payments;
    @Inject
    OutboxStore outbox;
    @Inject
    WebhookEventStore webhookEvents;
    @Inject
    Transactions transactions;
    @Inject
    PaymentEventPublisher publisher;
    @Inject
    PaymentConfig config;

    @Test
    void aRowCommittedButNotPublishedIsPublishedOnceAfterRestart() {
        String user = Api.newUser("crash");
        String account = TestTokens.subjectOf(user);
        CreditsPurchased purchased = commitWithoutPublishing(Api.pendingPayment(user));

        assertEquals(List.of(), PaymentEvents.of(account), "nothing published before the restart");
        assertTrue(outbox.contains(purchased.eventId()));

        OutboxRelay restarted = new OutboxRelay(outbox, publisher, config, new SimpleMeterRegistry());
        assertTrue(restarted.relayAll() >= 1);
        assertEquals(List.of(purchased), PaymentEvents.of(account));
        assertFalse(outbox.contains(purchased.eventId()), "row deleted once Kafka has it");

        // Another pass, or another instance's relay, publishes nothing more.
        new OutboxRelay(outbox, publisher, config, new SimpleMeterRegistry()).relayAll();
        assertEquals(List.of(purchased), PaymentEvents.of(account));
    }

    @Test
    void aCrashAfterPublishingButBeforeDeletingRepublishesTheSameEventId() throws Exception {
        String user = Api.newUser("crash-late");
        String account = TestTokens.subjectOf(user);
        CreditsPurchased purchased = commitWithoutPublishing(Api.pendingPayment(user));
        publisher.publish(purchased); // Kafka has it; the process dies before deleting the row

        new OutboxRelay(outbox, publisher, config, new SimpleMeterRegistry()).relayAll();
        List<Event> events = PaymentEvents.of(account);
        // At-least-once: two copies, one event id, so the wallet credits once (it deduplicates by id/payment).
        assertEquals(List.of(purchased, purchased), events);
        assertFalse(outbox.contains(purchased.eventId()));
    }

    /** What WebhookProcessor commits for a success, without the publish that follows it. */
    private CreditsPurchased commitWithoutPublishing(String paymentId) {
        Payment payment = payments.find(paymentId).orElseThrow();
        Instant now = Instant.now();
        CreditsPurchased purchased = new CreditsPurchased(
                EventIds.forCause(EventType.CREDITS_PURCHASED, paymentId), now, payment.accountId(), paymentId,
                payment.credits(), payment.amountMinor(), payment.currency());
        transactions.write(List.of(
                webhookEvents.recordOnce(WebhookEventStore.key("sandbox", Api.eventId()), "SUCCEEDED", paymentId),
                payments.transition(payment, PaymentStatus.SUCCEEDED, true, false, now),
                outbox.append(purchased, now)));
        return purchased;
    }
}
