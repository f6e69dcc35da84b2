package net.secureconnect.wallet.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import net.secureconnect.runtime.rest.ProblemException;
import net.secureconnect.wallet.rest.WalletViews.EntryView;
import net.secureconnect.wallet.service.AdjustmentService;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin corrections of a balance; idempotent by the {@code Idempotency-Key} header. */
@Path("/admin/wallets/{accountId}/adjustments")
@RolesAllowed(WalletResource.ADMIN)
@Tag(name = "admin")
@SecurityRequirement(name = "SecurityScheme")
public class AdjustmentResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    /** Bound on one adjustment, far from overflow and far beyond any real correction. */
    static final long MAX_CREDITS = 1_000_000_000L;

    private final AdjustmentService adjustments;

    public AdjustmentResource(AdjustmentService adjustments) {
        this.adjustments = adjustments;
    }

    /**
     * @param credits added when positive, removed when negative (never below a zero balance); not zero
     * @param reason  why, for the ledger (shown to the account owner)
     */
    public record AdjustmentRequest(@NotNull @Min(-MAX_CREDITS) @Max(MAX_CREDITS) Long credits,
                                    @NotBlank @Size(max = 200) String reason) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add or remove credits (admin)")
    @APIResponse(responseCode = "201", description = "Recorded (or recorded before with this key and body: header Idempotent-Replayed)")
    @APIResponse(responseCode = "400", description = "Malformed JSON, invalid body, missing or invalid Idempotency-Key")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "409", description = "Removes more than the balance (INSUFFICIENT_CREDITS)")
    @APIResponse(responseCode = "422", description = "Idempotency-Key used before with another body (IDEMPOTENCY_KEY_REUSED)")
    public Response adjust(@PathParam("accountId") @Pattern(regexp = WalletResource.ACCOUNT_ID) String accountId,
                           @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
                           @Valid @NotNull AdjustmentRequest request) {
        if (idempotencyKey == null || idempotencyKey.isEmpty()) {
            throw new ProblemException(400, "IDEMPOTENCY_KEY_REQUIRED", "Idempotency-Key required",
                    "Send an Idempotency-Key header so a retried request is applied once.");
        }
        if (!idempotencyKey.matches(WalletResource.ACCOUNT_ID)) {
            throw new ProblemException(400, "INVALID_IDEMPOTENCY_KEY", "Invalid Idempotency-Key",
                    "The Idempotency-Key must be 1 to 128 visible ASCII characters.");
        }
        if (request.credits() == 0) {
            throw new ProblemException(400, "VALIDATION_FAILED", "Validation failed", "credits must not be 0.");
        }
        AdjustmentService.Adjusted adjusted = adjustments.adjust(accountId, idempotencyKey, request.credits(),
                request.reason());
        Response.ResponseBuilder response = Response.status(Response.Status.CREATED)
                .entity(EntryView.of(adjusted.entry()));
        if (adjusted.replayed()) {
            response.header(REPLAYED, "true");
        }
        return response.build();
    }
}
