package net.secureconnect.media.rest;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import net.secureconnect.media.service.UploadRateLimiter;
import net.secureconnect.runtime.rest.Problem;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Media's refusals that need more than the shared problem mapper: 429 carries Retry-After. */
public class MediaProblemMappers {

    // Ahead of service-runtime's mappers (which sit at USER - 100).
    private static final int BEFORE_SHARED = Priorities.USER - 200;

    @ServerExceptionMapper(priority = BEFORE_SHARED)
    public Response rateLimited(UploadRateLimiter.RateLimitedException e) {
        return Response.status(429).type(Problem.MEDIA_TYPE)
                .header("Retry-After", Long.toString(e.retryAfterSeconds()))
                .entity(e.problem()).build();
    }
}
