package net.secureconnect.runtime.rest;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.runtime.config.PlatformConfig;
import net.secureconnect.runtime.security.Roles;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

/**
 * Who this service takes the caller to be. Every service has it, so a client (or an operator) can check
 * a token against any service in one call; it shows the token's subject and roles, never the token.
 */
@Path("/v1/session")
@RolesAllowed(Roles.USER)
@Tag(name = "session")
@SecurityRequirement(name = "SecurityScheme")
public class SessionResource {

    private final SecurityIdentity identity;
    private final JsonWebToken token;
    private final PlatformConfig config;

    public SessionResource(SecurityIdentity identity, JsonWebToken token, PlatformConfig config) {
        this.identity = identity;
        this.token = token;
        this.config = config;
    }

    /** The caller as this service sees it. */
    public record Session(String service, String subject, String username, List<String> roles, Instant expiresAt) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The authenticated caller: subject, username and roles")
    @APIResponse(responseCode = "200", description = "The caller")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "FORBIDDEN (no role user), CLIENT_NOT_ALLOWED")
    public Session session() {
        String username = token.getClaim("preferred_username");
        return new Session(config.serviceName(), token.getSubject(),
                username != null ? username : token.getName(),
                identity.getRoles().stream().sorted().toList(),
                Instant.ofEpochSecond(token.getExpirationTime()));
    }
}
