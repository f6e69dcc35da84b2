package net.secureconnect.identity.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.identity.model.Limits;
import net.secureconnect.identity.repository.UsernameStore;
import net.secureconnect.identity.service.AccountService;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Exact username lookup. Deliberately nothing else: no search, no prefix, no listing. */
@Path("/v1/usernames")
@RolesAllowed(Roles.USER)
@Tag(name = "usernames")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
public class UsernameResource {

    private final AccountService accounts;
    private final JsonWebToken token;

    public UsernameResource(AccountService accounts, JsonWebToken token) {
        this.accounts = accounts;
        this.token = token;
    }

    @GET
    @Path("/{username}")
    @Operation(summary = "The account holding this username (case-insensitive), and its public profile")
    @APIResponse(responseCode = "200", description = "Found")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: not a possible username")
    @APIResponse(responseCode = "404", description = "USERNAME_NOT_FOUND")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED")
    public Views.UsernameView lookup(@PathParam("username") @Pattern(regexp = Limits.USERNAME_PATTERN,
            message = "must be 3-32 ASCII letters, digits or underscores, starting with a letter") String username) {
        UsernameStore.Owner owner = accounts.lookup(accounts.callerId(token.getSubject()), username);
        return new Views.UsernameView(owner.accountId(), owner.username());
    }
}
