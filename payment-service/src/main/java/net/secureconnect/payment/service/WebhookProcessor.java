package net.secureconnect.payment.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.CreditsRevoked;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.payment.gateway.GatewayEvent;
import net.secureconnect.payment.messaging.OutboxRelay;
import net.secureconnect.payment.repository.OutboxStore;
import net.secureconnect.payment.repository.PaymentStore;
import net.secureconnect.payment.repository.Transactions;
import net.secureconnect.payment.repository.WebhookEventStore;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a verified gateway event: in one DynamoDB transaction it records the event id (once ever), moves
 * the payment (conditioned on the version it read) and appends the resulting CreditsPurchased/CreditsRevoked
 * to the outbox; then it publishes. A redelivered event fails the first condition and changes nothing.
 */
@ApplicationScoped
public class WebhookProcessor {

    private static final Logger LOG = Logger.getLogger(WebhookProcessor.class);
    /** Webhooks for one payment rarely race; a few retries settle any race. */
    private static final int MAX_ATTEMPTS = 5;

    /** What became of a webhook. */
    public enum Result { APPLIED, IGNORED, DUPLICATE }

    private final PaymentStore payments;
    private final WebhookEventStore webhookEvents;
    private final OutboxStore outbox;
    private final Transactions transactions;
    private final OutboxRelay relay;
    private final MeterRegistry metrics;
    private final Clock clock = Clock.systemUTC();

    public WebhookProcessor(PaymentStore payments, WebhookEventStore webhookEvents, OutboxStore outbox,
                            Transactions transactions, OutboxRelay relay, MeterRegistry metrics) {
        this.payments = payments;
        this.webhookEvents = webhookEvents;
        this.outbox = outbox;
        this.transactions = transactions;
        this.relay = relay;
        this.metrics = metrics;
    }

    public Result process(String gateway, GatewayEvent event) {
        String key = WebhookEventStore.key(gateway, event.eventId());
        Result result = attempt(gateway, key, event);
        metrics.counter("payment.webhooks", "gateway", gateway, "outcome", event.outcome().name(),
                "result", result.name()).increment();
        return result;
    }

    private Result attempt(String gateway, String key, GatewayEvent event) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            String paymentId = event.paymentId() != null ? event.paymentId()
                    : event.gatewayPaymentRef() == null ? null
                    : payments.paymentIdByGatewayPayment(event.gatewayPaymentRef()).orElse(null);
            Optional<Payment> found = paymentId == null ? Optional.empty() : payments.find(paymentId);
            if (found.isEmpty() || !found.get().gateway().equals(gateway)) {
                // Not one of ours (or for another gateway): remember it so it is not looked at again.
                return recordOnly(key, "UNKNOWN_PAYMENT", paymentId);
            }
            Payment payment = found.get();
            Optional<PaymentTransitions.Change> change = PaymentTransitions.apply(payment, event.outcome());
            Instant now = clock.instant();
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(webhookEvents.recordOnce(key, event.outcome().name(), payment.paymentId()));
            List<Event> events = new ArrayList<>();
            if (change.isEmpty()) {
                items.add(payments.unchanged(payment));
            } else {
                PaymentTransitions.Change c = change.get();
                boolean credited = payment.credited() || c.credit();
                boolean revoked = payment.revoked() || c.revoke().isPresent();
                items.add(payments.transition(payment, c.status(), credited, revoked,
                        c.credit() ? event.gatewayPaymentRef() : null, now));
                if (c.credit()) {
                    events.add(new CreditsPurchased(purchaseId(payment), now, payment.accountId(),
                            payment.paymentId(), payment.credits(), payment.amountMinor(), payment.currency()));
                }
                c.revoke().ifPresent(reason -> events.add(new CreditsRevoked(
                        EventIds.forCause(EventType.CREDITS_REVOKED, payment.paymentId()), now,
                        payment.accountId(), payment.paymentId(), payment.credits(), reason)));
                events.forEach(e -> items.add(outbox.append(e, now)));
            }
            try {
                transactions.write(items);
            } catch (TransactionCanceledException e) {
                if (Transactions.conditionFailed(e, 0)) {
                    return Result.DUPLICATE;
                }
                if (Transactions.conditionFailed(e, 1)) {
                    continue; // another event moved the payment meanwhile: read again
                }
                throw e;
            }
            LOG.infof("payment %s: %s event %s -> %s", payment.paymentId(), gateway, event.outcome(),
                    change.map(c -> c.status().name()).orElse("unchanged"));
            relay.publishNow(inOrder(payment, events));
            return change.isPresent() ? Result.APPLIED : Result.IGNORED;
        }
        throw new IllegalStateException("payment " + event.paymentId() + " kept changing under webhook " + key);
    }

    private Result recordOnly(String key, String outcome, String paymentId) {
        try {
            transactions.write(List.of(webhookEvents.recordOnce(key, outcome, paymentId)));
            return Result.IGNORED;
        } catch (TransactionCanceledException e) {
            if (Transactions.conditionFailed(e, 0)) {
                return Result.DUPLICATE;
            }
            throw e;
        }
    }

    /** A revocation never overtakes its purchase: if the purchase is still unpublished, it goes first. */
    private List<Event> inOrder(Payment payment, List<Event> events) {
        boolean revoking = events.stream().anyMatch(e -> e instanceof CreditsRevoked);
        if (revoking && payment.credited() && outbox.contains(purchaseId(payment))) {
            return List.of(); // leave both to the relay, which publishes oldest first
        }
        return events;
    }

    static String purchaseId(Payment payment) {
        return EventIds.forCause(EventType.CREDITS_PURCHASED, payment.paymentId());
    }
}
