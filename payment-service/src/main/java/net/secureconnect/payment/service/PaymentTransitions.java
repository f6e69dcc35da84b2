package net.secureconnect.payment.service;

import net.secureconnect.contracts.RevocationReason;
import net.secureconnect.payment.gateway.GatewayEvent.Outcome;

import java.util.Optional;

/**
 * The payment state machine, as a pure function of the current payment and a gateway outcome.
 *
 * <pre>
 * PENDING  --succeeded--> SUCCEEDED (credit)      PENDING|FAILED --refunded--> REFUNDED (nothing to revoke)
 * PENDING  --failed-----> FAILED                  PENDING|FAILED --lost dispute--> DISPUTED (nothing to revoke)
 * FAILED   --succeeded--> SUCCEEDED (credit)      SUCCEEDED --refunded--> REFUNDED (revoke, REFUND)
 *                                                 SUCCEEDED --lost dispute--> DISPUTED (revoke, CHARGEBACK)
 * </pre>
 * REFUNDED and DISPUTED are final, so a success arriving after its own refund credits nothing: the user
 * ends with the credits of neither event, which is what the money says. Every other pair is a no-op.
 */
public final class PaymentTransitions {

    private PaymentTransitions() {
    }

    /** A change of state, and which event it writes to the outbox. */
    public record Change(PaymentStatus status, boolean credit, Optional<RevocationReason> revoke) {
    }

    public static Optional<Change> apply(Payment payment, Outcome outcome) {
        PaymentStatus status = payment.status();
        switch (outcome) {
            case SUCCEEDED:
                // A failed attempt can be followed by a successful retry on the same checkout.
                if ((status == PaymentStatus.PENDING || status == PaymentStatus.FAILED) && !payment.credited()) {
                    return Optional.of(new Change(PaymentStatus.SUCCEEDED, true, Optional.empty()));
                }
                return Optional.empty();
            case FAILED:
                // A late failure of an earlier attempt must not undo a success.
                return status == PaymentStatus.PENDING
                        ? Optional.of(new Change(PaymentStatus.FAILED, false, Optional.empty())) : Optional.empty();
            case REFUNDED:
                return end(payment, PaymentStatus.REFUNDED, RevocationReason.REFUND);
            case DISPUTE_LOST:
                return end(payment, PaymentStatus.DISPUTED, RevocationReason.CHARGEBACK);
            default:
                return Optional.empty();
        }
    }

    private static Optional<Change> end(Payment payment, PaymentStatus to, RevocationReason reason) {
        switch (payment.status()) {
            case SUCCEEDED:
                return Optional.of(new Change(to, false,
                        payment.credited() && !payment.revoked() ? Optional.of(reason) : Optional.empty()));
            case PENDING:
            case FAILED:
                // Money came back before we ever credited it (success event late or lost): nothing to revoke,
                // and the status is final so the late success cannot credit afterwards.
                return Optional.of(new Change(to, false, Optional.empty()));
            default:
                return Optional.empty();
        }
    }
}
