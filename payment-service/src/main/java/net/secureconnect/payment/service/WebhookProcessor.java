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
import net.secureconnect.payment.repository.GatewayRefStore;
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
import java.util.Objects;
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

    /** What became of a webhook. REJECTED: authentic, but not what the payment row says was sold. */
    public enum Result { APPLIED, IGNORED, DUPLICATE, REJECTED }

    /** The result, and for REJECTED the stable reason (ORDER_MISMATCH, AMOUNT_MISMATCH, CURRENCY_MISMATCH). */
    public record Answer(Result result, String code) {
        static Answer of(Result result) {
            return new Answer(result, null);
        }
    }

    private final PaymentStore payments;
    private final WebhookEventStore webhookEvents;
    private final GatewayRefStore gatewayRefs;
    private final OutboxStore outbox;
    private final Transactions transactions;
    private final OutboxRelay relay;
    private final MeterRegistry metrics;
    private final Clock clock = Clock.systemUTC();

    public WebhookProcessor(PaymentStore payments, WebhookEventStore webhookEvents, GatewayRefStore gatewayRefs,
                            OutboxStore outbox, Transactions transactions, OutboxRelay relay, MeterRegistry metrics) {
        this.payments = payments;
        this.webhookEvents = webhookEvents;
        this.gatewayRefs = gatewayRefs;
        this.outbox = outbox;
        this.transactions = transactions;
        this.relay = relay;
        this.metrics = metrics;
    }

    public Answer process(String gateway, GatewayEvent event) {
        String key = WebhookEventStore.key(gateway, event.eventId());
        Answer answer = attempt(gateway, key, event);
        metrics.counter("payment.webhooks", "gateway", gateway, "outcome", event.outcome().name(),
                "result", answer.result().name()).increment();
        return answer;
    }

    private Answer attempt(String gateway, String key, GatewayEvent event) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            String paymentId = paymentIdOf(gateway, event);
            Optional<Payment> found = paymentId == null ? Optional.empty() : payments.find(paymentId);
            if (found.isEmpty() || !found.get().gateway().equals(gateway)) {
                // Not one of ours (or for another gateway): remember it so it is not looked at again.
                return Answer.of(recordOnly(key, "UNKNOWN_PAYMENT", paymentId, Result.IGNORED));
            }
            Payment payment = found.get();
            String mismatch = mismatch(payment, event);
            if (mismatch != null) {
                // Authentic, but not the money this payment asked for: credit nothing, keep the evidence (the
                // webhook-events row names the payment and the reason), and tell the operator.
                Result result = recordOnly(key, mismatch, payment.paymentId(), Result.REJECTED);
                if (result == Result.REJECTED) {
                    metrics.counter("payment.webhooks.mismatched", "gateway", gateway, "code", mismatch).increment();
                    LOG.warnf("payment %s: %s event %s refused: %s (checkout %s, amount %s %s)", payment.paymentId(),
                            gateway, event.outcome(), mismatch, event.checkoutRef(), event.amountMinor(),
                            event.currency());
                    return new Answer(result, mismatch);
                }
                return Answer.of(result);
            }
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
                    return Answer.of(Result.DUPLICATE);
                }
                if (Transactions.conditionFailed(e, 1)) {
                    continue; // another event moved the payment meanwhile: read again
                }
                throw e;
            }
            LOG.infof("payment %s: %s event %s -> %s", payment.paymentId(), gateway, event.outcome(),
                    change.map(c -> c.status().name()).orElse("unchanged"));
            relay.publishNow(inOrder(payment, events));
            return Answer.of(change.isPresent() ? Result.APPLIED : Result.IGNORED);
        }
        throw new IllegalStateException("payment " + event.paymentId() + " kept changing under webhook " + key);
    }

    /**
     * The payment an event is about: our id in metadata our server gave the gateway (Stripe), else the
     * checkout we created (Razorpay order, Stripe session), else the gateway's payment recorded at success.
     */
    private String paymentIdOf(String gateway, GatewayEvent event) {
        if (event.paymentId() != null) {
            return event.paymentId();
        }
        if (event.checkoutRef() != null) {
            Optional<String> byCheckout = gatewayRefs.paymentId(gateway, event.checkoutRef());
            if (byCheckout.isPresent()) {
                return byCheckout.get();
            }
        }
        return event.gatewayPaymentRef() == null ? null
                : payments.paymentIdByGatewayPayment(event.gatewayPaymentRef()).orElse(null);
    }

    /**
     * Why the event may not touch this payment, or null. An event naming a checkout must name this payment's;
     * a success must also name it and carry exactly the amount and currency the payment row sold its pack for.
     */
    static String mismatch(Payment payment, GatewayEvent event) {
        boolean success = event.outcome() == GatewayEvent.Outcome.SUCCEEDED;
        if ((event.checkoutRef() != null || success) && !Objects.equals(event.checkoutRef(), payment.gatewayRef())) {
            return "ORDER_MISMATCH";
        }
        if (!success) {
            return null;
        }
        if (event.amountMinor() == null || event.amountMinor() != payment.amountMinor()) {
            return "AMOUNT_MISMATCH";
        }
        if (event.currency() == null || !event.currency().equalsIgnoreCase(payment.currency())) {
            return "CURRENCY_MISMATCH";
        }
        return null;
    }

    /** Records the event as seen with this outcome; {@code result} if it is new, DUPLICATE if it was seen. */
    private Result recordOnly(String key, String outcome, String paymentId, Result result) {
        try {
            transactions.write(List.of(webhookEvents.recordOnce(key, outcome, paymentId)));
            return result;
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
