package net.secureconnect.identity.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.identity.service.AccountService;
import net.secureconnect.identity.service.KeyDirectory;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Prekey bundles for session setup. A GET with an effect (it claims one-time keys), as in Signal's API:
 * a retried fetch simply claims another key.
 */
@Path("/v1/bundles")
@RolesAllowed(Roles.USER)
@Tag(name = "bundles")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
public class BundleResource {

    private final AccountService accounts;
    private final KeyDirectory keys;
    private final JsonWebToken token;

    public BundleResource(AccountService accounts, KeyDirectory keys, JsonWebToken token) {
        this.accounts = accounts;
        this.keys = keys;
        this.token = token;
    }

    @GET
    @Path("/{accountId}")
    @Operation(summary = "Bundles of every device of the account, each with one claimed one-time key while any is left")
    @APIResponse(responseCode = "200", description = "The bundles (an account without devices has none)")
    @APIResponse(responseCode = "404", description = "ACCOUNT_NOT_FOUND")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED")
    public Views.BundleView all(@PathParam("accountId") String accountId) {
        return Views.BundleView.of(keys.fetch(accounts.callerId(token.getSubject()), accountId, null));
    }

    @GET
    @Path("/{accountId}/{deviceId}")
    @Operation(summary = "The bundle of one device of the account")
    @APIResponse(responseCode = "200", description = "The bundle")
    @APIResponse(responseCode = "404", description = "ACCOUNT_NOT_FOUND, DEVICE_NOT_FOUND")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED")
    public Views.BundleView one(@PathParam("accountId") String accountId, @PathParam("deviceId") int deviceId) {
        return Views.BundleView.of(keys.fetch(accounts.callerId(token.getSubject()), accountId, deviceId));
    }
}
