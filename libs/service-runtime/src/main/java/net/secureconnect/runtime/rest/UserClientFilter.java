package net.secureconnect.runtime.rest;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.core.Response;
import net.secureconnect.runtime.security.UserClients;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses, on every REST endpoint, a bearer token that a client outside the user-facing allow-list
 * obtained (a service account's client-credentials token, a test client's token): 403
 * CLIENT_NOT_ALLOWED. Calls without a token pass on to the endpoint's own rule (public endpoints
 * stay public, the others answer 401).
 */
public class UserClientFilter {

    private final UserClients clients;
    private final SecurityIdentity identity;

    public UserClientFilter(UserClients clients, SecurityIdentity identity) {
        this.clients = clients;
        this.identity = identity;
    }

    @ServerRequestFilter
    public Response refuseOtherClients() {
        if (clients.allows(identity)) {
            return null;
        }
        Problem problem = Problem.of(403, UserClients.CLIENT_NOT_ALLOWED, "Client not allowed",
                "This token was issued to a client that may not call SecureConnect's user APIs.");
        return Response.status(403).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
