package net.secureconnect.payment.service;

import net.secureconnect.contracts.RevocationReason;
import net.secureconnect.payment.gateway.GatewayEvent.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every state × outcome pair of the payment state machine. */
class PaymentTransitionsTest {

    @Test
    void pending() {
        Payment p = payment(PaymentStatus.PENDING, false, false);
        assertChange(p, Outcome.SUCCEEDED, PaymentStatus.SUCCEEDED, true, null);
        assertChange(p, Outcome.FAILED, PaymentStatus.FAILED, false, null);
        // Refund or lost dispute before the success: final, and nothing was credited so nothing is revoked.
        assertChange(p, Outcome.REFUNDED, PaymentStatus.REFUNDED, false, null);
        assertChange(p, Outcome.DISPUTE_LOST, PaymentStatus.DISPUTED, false, null);
        assertNoChange(p, Outcome.IRRELEVANT);
    }

    @Test
    void succeeded() {
        Payment p = payment(PaymentStatus.SUCCEEDED, true, false);
        assertNoChange(p, Outcome.SUCCEEDED);
        assertNoChange(p, Outcome.FAILED);
        assertChange(p, Outcome.REFUNDED, PaymentStatus.REFUNDED, false, RevocationReason.REFUND);
        assertChange(p, Outcome.DISPUTE_LOST, PaymentStatus.DISPUTED, false, RevocationReason.CHARGEBACK);
        assertNoChange(p, Outcome.IRRELEVANT);
    }

    @Test
    void failed() {
        Payment p = payment(PaymentStatus.FAILED, false, false);
        assertChange(p, Outcome.SUCCEEDED, PaymentStatus.SUCCEEDED, true, null);
        assertNoChange(p, Outcome.FAILED);
        assertChange(p, Outcome.REFUNDED, PaymentStatus.REFUNDED, false, null);
        assertChange(p, Outcome.DISPUTE_LOST, PaymentStatus.DISPUTED, false, null);
    }

    @Test
    void refundedAndDisputedAreFinal() {
        for (Payment p : new Payment[] {payment(PaymentStatus.REFUNDED, true, true),
                payment(PaymentStatus.REFUNDED, false, false), payment(PaymentStatus.DISPUTED, true, true)}) {
            for (Outcome outcome : Outcome.values()) {
                assertNoChange(p, outcome);
            }
        }
    }

    private static void assertChange(Payment p, Outcome outcome, PaymentStatus to, boolean credit,
                                     RevocationReason revoke) {
        Optional<PaymentTransitions.Change> change = PaymentTransitions.apply(p, outcome);
        assertTrue(change.isPresent(), p.status() + " + " + outcome);
        assertEquals(new PaymentTransitions.Change(to, credit, Optional.ofNullable(revoke)), change.get());
    }

    private static void assertNoChange(Payment p, Outcome outcome) {
        assertEquals(Optional.empty(), PaymentTransitions.apply(p, outcome), p.status() + " + " + outcome);
    }

    private static Payment payment(PaymentStatus status, boolean credited, boolean revoked) {
        Instant now = Instant.now();
        return new Payment("pay-1", "acc-1", "small", 100, 9900, "INR", "sandbox", "ref", "url", status,
                credited, revoked, 3, now, now);
    }
}
