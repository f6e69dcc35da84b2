package net.secureconnect.payment.rest;

import jakarta.annotation.security.RolesAllowed;
import net.secureconnect.runtime.security.Roles;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.payment.repository.PaymentStore;
import net.secureconnect.payment.service.Payment;
import net.secureconnect.runtime.rest.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.Optional;

/** The caller's own payments. Bearer token required; another account's → 403. */
@Path("/payments")
@RolesAllowed(Roles.USER)
@Produces(MediaType.APPLICATION_JSON)
public class PaymentResource {

    /** One page; {@code next} is the cursor of the following page, absent on the last. */
    public record PaymentPage(List<PaymentView> items, String next) {
    }

    private final PaymentStore payments;
    private final JsonWebToken caller;

    public PaymentResource(PaymentStore payments, JsonWebToken caller) {
        this.payments = payments;
        this.caller = caller;
    }

    /** Newest first. {@code accountId}, if given, must be the caller's own. */
    @GET
    public PaymentPage list(@QueryParam("accountId") String accountId,
                            @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
                            @QueryParam("cursor") String cursor) {
        String self = caller.getSubject();
        if (accountId != null && !accountId.equals(self)) {
            throw forbidden();
        }
        PaymentStore.Page page = payments.byAccount(self, limit, Optional.ofNullable(cursor).filter(c -> !c.isBlank()));
        return new PaymentPage(page.payments().stream().map(PaymentView::of).toList(), page.next().orElse(null));
    }

    @GET
    @Path("/{paymentId}")
    public PaymentView one(@PathParam("paymentId") String paymentId) {
        Payment payment = payments.find(paymentId).orElseThrow(() ->
                new ProblemException(404, "PAYMENT_NOT_FOUND", "Payment not found", "no payment " + paymentId));
        if (!payment.accountId().equals(caller.getSubject())) {
            throw forbidden();
        }
        return PaymentView.of(payment);
    }

    private static ProblemException forbidden() {
        return new ProblemException(403, "FORBIDDEN", "Forbidden", "payments of another account");
    }
}
