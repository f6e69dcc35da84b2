package net.secureconnect.runtime.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.ForbiddenException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.UUID;

/**
 * Turns every failure a resource can raise into problem+json with a stable code, so clients never
 * have to parse prose and a bad request never looks like a server fault.
 */
public class ProblemMappers {

    /** A body field the endpoint does not define (request bodies are strict in every service). */
    public static final String UNKNOWN_FIELD = "UNKNOWN_FIELD";
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    // Ahead of the built-in Jackson and validation mappers, which answer in text or plain JSON.
    private static final int BEFORE_BUILT_INS = Priorities.USER - 100;

    @ServerExceptionMapper(priority = BEFORE_BUILT_INS)
    public Response problem(ProblemException e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper(priority = BEFORE_BUILT_INS)
    public Response malformedJson(JsonParseException e) {
        return malformed(e);
    }

    @ServerExceptionMapper(priority = BEFORE_BUILT_INS)
    public Response mismatchedJson(MismatchedInputException e) {
        if (e instanceof UnrecognizedPropertyException) {
            // Bodies are strict (StrictJson). The unknown name is the client's text, not ours: not echoed.
            return respond(Problem.of(400, UNKNOWN_FIELD, "Unknown field",
                    "The request body has a field this endpoint does not accept."));
        }
        String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
        return respond(Problem.of(400, "MALFORMED_JSON", "Malformed JSON",
                field == null ? "The request body does not have the expected shape."
                        : "Field '" + field + "' has the wrong type or shape."));
    }

    @ServerExceptionMapper(priority = BEFORE_BUILT_INS)
    public Response invalid(ConstraintViolationException e) {
        var violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .sorted(java.util.Comparator.comparing(Problem.Violation::field))
                .toList();
        return respond(Problem.of(400, "VALIDATION_FAILED", "Validation failed",
                "One or more fields are invalid.").withViolations(violations));
    }

    @ServerExceptionMapper(priority = BEFORE_BUILT_INS)
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "FORBIDDEN", "Forbidden", "You may not do this."));
    }

    @ServerExceptionMapper(priority = BEFORE_BUILT_INS)
    public Response web(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        if (status >= 500) {
            return internal(e);
        }
        // Quarkus REST wraps body-parsing failures in a plain 400; name them like the direct case.
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof MismatchedInputException mismatched) {
                return mismatchedJson(mismatched);
            }
            if (cause instanceof JsonProcessingException parse) {
                return malformed(parse);
            }
        }
        String reason = Response.Status.fromStatusCode(status) == null ? "HTTP_" + status
                : Response.Status.fromStatusCode(status).name();
        Response.ResponseBuilder answer = Response.fromResponse(original).entity(
                Problem.of(status, reason, original.getStatusInfo().getReasonPhrase(), e.getMessage()))
                .type(Problem.MEDIA_TYPE);
        return answer.build();
    }

    @ServerExceptionMapper(priority = BEFORE_BUILT_INS)
    public Response internal(Throwable e) {
        // The id ties the answer to the log line without putting internals in the answer.
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "unhandled error %s", errorId);
        return respond(Problem.of(500, "INTERNAL_ERROR", "Internal error",
                "Something went wrong on our side; reference " + errorId + "."));
    }

    /**
     * A fixed text with the position only: Jackson's own message quotes the input around the fault
     * (and the names of unknown fields), which would echo request fragments back and into logs.
     */
    static Response malformed(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return respond(Problem.of(400, "MALFORMED_JSON", "Malformed JSON",
                "The request body is not valid JSON" + where + "."));
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
