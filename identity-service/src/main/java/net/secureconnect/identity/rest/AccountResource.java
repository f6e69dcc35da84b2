package net.secureconnect.identity.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.identity.model.Account;
import net.secureconnect.identity.model.Limits;
import net.secureconnect.identity.service.AccountService;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's account: provisioning, username, deletion. */
@Path("/v1/accounts")
@RolesAllowed(Roles.USER)
@Tag(name = "accounts")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final AccountService accounts;
    private final JsonWebToken token;

    public AccountResource(AccountService accounts, JsonWebToken token) {
        this.accounts = accounts;
        this.token = token;
    }

    /** A username claim. */
    public record UsernameClaim(@NotNull @Pattern(regexp = Limits.USERNAME_PATTERN,
            message = "must be 3-32 ASCII letters, digits or underscores, starting with a letter") String username) {
    }

    @GET
    @Path("/me")
    @Operation(summary = "The caller's account, created on the first call")
    @APIResponse(responseCode = "200", description = "The account")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "No role user")
    public Views.AccountView me() {
        return Views.AccountView.of(accounts.provision(token.getSubject()));
    }

    @DELETE
    @Path("/{accountId}")
    @Operation(summary = "Delete the caller's account: devices, keys and username go, AccountDeleted is published")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", description = "NOT_ACCOUNT_OWNER")
    @APIResponse(responseCode = "404", description = "ACCOUNT_NOT_FOUND: the caller has no account (any more)")
    public void delete(@PathParam("accountId") String accountId) {
        accounts.delete(token.getSubject(), accountId);
    }

    @PUT
    @Path("/{accountId}/username")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Claim or change the account's username (case-insensitive, unique)")
    @APIResponse(responseCode = "200", description = "Claimed")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED, MALFORMED_JSON, UNKNOWN_FIELD")
    @APIResponse(responseCode = "403", description = "NOT_ACCOUNT_OWNER")
    @APIResponse(responseCode = "409", description = "USERNAME_TAKEN")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED")
    public Views.UsernameView claimUsername(@PathParam("accountId") String accountId,
                                            @NotNull @Valid UsernameClaim claim) {
        Account account = accounts.claimUsername(accounts.requireOwner(token.getSubject(), accountId), claim.username());
        return new Views.UsernameView(account.accountId(), account.username());
    }

    @DELETE
    @Path("/{accountId}/username")
    @Operation(summary = "Release the account's username")
    @APIResponse(responseCode = "204", description = "Released (or there was none)")
    @APIResponse(responseCode = "403", description = "NOT_ACCOUNT_OWNER")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED")
    public void releaseUsername(@PathParam("accountId") String accountId) {
        accounts.releaseUsername(accounts.requireOwner(token.getSubject(), accountId));
    }
}
