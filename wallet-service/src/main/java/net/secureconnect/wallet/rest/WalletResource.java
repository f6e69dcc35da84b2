package net.secureconnect.wallet.rest;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.runtime.rest.ProblemException;
import net.secureconnect.runtime.security.Roles;
import net.secureconnect.wallet.rest.WalletViews.LedgerPage;
import net.secureconnect.wallet.rest.WalletViews.WalletView;
import net.secureconnect.wallet.service.WalletReader;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A caller's own wallet and ledger. The account id is the token's subject; another account's wallet is
 * visible to the {@code admin} role only. End users only (role {@code user}, a user-facing client): a service
 * account's token is refused.
 */
@Path("/")
@RolesAllowed(Roles.USER)
@Tag(name = "wallet")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
public class WalletResource {

    static final String ADMIN = "admin";
    /** Account ids are 1..128 visible ASCII characters, like every id in the contracts. */
    static final String ACCOUNT_ID = "[!-~]{1,128}";
    static final int MAX_PAGE = 200;

    private final WalletReader reader;
    private final JsonWebToken token;
    private final SecurityIdentity identity;

    public WalletResource(WalletReader reader, JsonWebToken token, SecurityIdentity identity) {
        this.reader = reader;
        this.token = token;
        this.identity = identity;
    }

    @GET
    @Path("wallet")
    @Operation(summary = "The caller's balance and status")
    @APIResponse(responseCode = "200", description = "The wallet (balance 0 for an account without activity)")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    public WalletView own() {
        return WalletView.of(reader.wallet(token.getSubject()));
    }

    @GET
    @Path("wallet/ledger")
    @Operation(summary = "The caller's ledger, newest first")
    @APIResponse(responseCode = "200", description = "One page; pass nextBefore as before for the next")
    @APIResponse(responseCode = "400", description = "limit or before out of range (VALIDATION_FAILED)")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    public LedgerPage ownLedger(@QueryParam("before") @Min(1) Long before,
                                @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(MAX_PAGE) int limit) {
        return LedgerPage.of(reader.ledger(token.getSubject(), before, limit));
    }

    @GET
    @Path("wallets/{accountId}")
    @Operation(summary = "A wallet by account id: the caller's own, or any for an admin")
    @APIResponse(responseCode = "200", description = "The wallet")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "Another account's wallet (FORBIDDEN)")
    @RolesAllowed({Roles.USER, Roles.ADMIN})
    public WalletView wallet(@PathParam("accountId") @Pattern(regexp = ACCOUNT_ID) String accountId) {
        return WalletView.of(reader.wallet(allowed(accountId)));
    }

    @GET
    @Path("wallets/{accountId}/ledger")
    @Operation(summary = "A ledger by account id: the caller's own, or any for an admin")
    @APIResponse(responseCode = "200", description = "One page, newest first")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "Another account's ledger (FORBIDDEN)")
    @RolesAllowed({Roles.USER, Roles.ADMIN})
    public LedgerPage ledger(@PathParam("accountId") @Pattern(regexp = ACCOUNT_ID) String accountId,
                             @QueryParam("before") @Min(1) Long before,
                             @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(MAX_PAGE) int limit) {
        return LedgerPage.of(reader.ledger(allowed(accountId), before, limit));
    }

    private String allowed(String accountId) {
        if (!accountId.equals(token.getSubject()) && !identity.hasRole(ADMIN)) {
            throw new ProblemException(403, "FORBIDDEN", "Forbidden", "This wallet belongs to another account.");
        }
        return accountId;
    }
}
