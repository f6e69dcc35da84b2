package net.secureconnect.identity.rest;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import net.secureconnect.identity.service.IdentityProblems;
import net.secureconnect.identity.service.RateLimitedException;
import net.secureconnect.runtime.rest.Problem;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The two answers the shared mappers cannot give: 429 needs a Retry-After header, and an unknown field
 * deserves its own code rather than "wrong shape".
 */
public class IdentityProblemMappers {

    // Ahead of service-runtime's mappers (which sit at USER - 100).
    private static final int BEFORE_SHARED = Priorities.USER - 200;

    @ServerExceptionMapper(priority = BEFORE_SHARED)
    public Response rateLimited(RateLimitedException e) {
        return Response.status(429).type(Problem.MEDIA_TYPE)
                .header("Retry-After", Long.toString(e.retryAfterSeconds()))
                .entity(e.problem()).build();
    }

    @ServerExceptionMapper(priority = BEFORE_SHARED)
    public Response unknownField(UnrecognizedPropertyException e) {
        return unknown(e);
    }

    static Response unknown(UnrecognizedPropertyException e) {
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(Problem.of(400, IdentityProblems.UNKNOWN_FIELD,
                "Unknown field", "Field '" + shortened(e.getPropertyName()) + "' is not part of this request.")).build();
    }

    /** The name comes from the client: echo a bounded prefix only. */
    private static String shortened(String name) {
        return name == null || name.length() <= 64 ? String.valueOf(name) : name.substring(0, 64) + "…";
    }
}
