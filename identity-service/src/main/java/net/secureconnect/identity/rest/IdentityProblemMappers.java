package net.secureconnect.identity.rest;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import net.secureconnect.identity.service.IdentityProblems;
import net.secureconnect.identity.service.RateLimitedException;
import net.secureconnect.runtime.rest.Problem;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The answer the shared mappers cannot give: 429 needs a Retry-After header. (Unknown fields are
 * answered by service-runtime's ProblemMappers with UNKNOWN_FIELD, as in every service.)
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
}
