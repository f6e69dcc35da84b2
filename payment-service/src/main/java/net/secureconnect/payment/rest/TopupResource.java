package net.secureconnect.payment.rest;

import jakarta.annotation.security.RolesAllowed;
import net.secureconnect.runtime.security.Roles;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import net.secureconnect.payment.service.Pack;
import net.secureconnect.payment.service.TopupService;
import net.secureconnect.runtime.rest.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.regex.Pattern;

/** Top-up packs and checkout. Bearer token required; the payment belongs to the token's subject. */
@Path("/topups")
@RolesAllowed(Roles.USER)
@Produces(MediaType.APPLICATION_JSON)
public class TopupResource {

    /** Visible ASCII, like the ids on the wire; bounded so the key fits in a table key with the account. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,128}");

    /** Body of {@code POST /topups}. */
    public record TopupRequest(@NotBlank @Size(max = 64) String packId) {
    }

    private final TopupService topups;
    private final JsonWebToken caller;

    public TopupResource(TopupService topups, JsonWebToken caller) {
        this.topups = topups;
        this.caller = caller;
    }

    @GET
    @Path("/packs")
    public List<Pack> packs() {
        return topups.packs();
    }

    /** 201 with the pending payment and its {@code checkoutUrl}; the same for a repeat with the same key. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response checkout(@HeaderParam("Idempotency-Key") String idempotencyKey,
                             @Valid @NotNull TopupRequest request) {
        if (idempotencyKey == null || !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new ProblemException(400, "IDEMPOTENCY_KEY_REQUIRED", "Idempotency-Key required",
                    "send an Idempotency-Key header of 1-128 visible ASCII characters");
        }
        PaymentView payment = PaymentView.of(topups.checkout(caller.getSubject(), idempotencyKey, request.packId()));
        return Response.status(201).entity(payment).build();
    }
}
