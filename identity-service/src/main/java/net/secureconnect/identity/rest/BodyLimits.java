package net.secureconnect.identity.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.runtime.rest.Problem;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Enforces {@code quarkus.http.limits.max-body-size} before Quarkus does, so the refusal is problem+json
 * like every other: a body announced larger than the limit gets 413, and a body without a declared
 * length (chunked) gets 411. Quarkus' own checks answer with empty bodies; its check of a chunked body
 * happens only while reading, after which no problem+json can be sent any more. Every body this API
 * takes is a small JSON document whose length the client knows.
 */
@ApplicationScoped
public class BodyLimits {

    /** Ahead of Quarkus' body-size route (order -2). */
    static final int BEFORE_QUARKUS_BODY_LIMIT = -3;

    private final Optional<MemorySize> limit;
    private final ObjectMapper json;

    public BodyLimits(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit,
                      ObjectMapper json) {
        this.limit = limit;
        this.json = json;
    }

    void register(@Observes Router router) {
        limit.ifPresent(max -> router.route().order(BEFORE_QUARKUS_BODY_LIMIT)
                .handler(context -> check(context, max.asLongValue())));
    }

    private void check(RoutingContext context, long max) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        String transferEncoding = context.request().getHeader(HttpHeaders.TRANSFER_ENCODING);
        if (length == null && transferEncoding != null) {
            refuse(context, Problem.of(411, "LENGTH_REQUIRED", "Length Required",
                    "Send the request body with a Content-Length header."));
        } else if (length != null && isOver(length, max)) {
            refuse(context, Problem.of(413, "REQUEST_ENTITY_TOO_LARGE", "Request Entity Too Large",
                    "The request body is larger than " + max + " bytes."));
        } else {
            context.next();
        }
    }

    private void refuse(RoutingContext context, Problem problem) {
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // Close rather than read the rest of a body nobody will use (as Quarkus' own check does).
        context.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }

    private static boolean isOver(String length, long max) {
        try {
            return Long.parseLong(length.trim()) > max;
        } catch (NumberFormatException malformed) {
            return false; // not ours to judge: the HTTP layer refuses a malformed length
        }
    }
}
