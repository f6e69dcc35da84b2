package net.secureconnect.sdk.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Optional;

/** Turns an error answer (RFC 9457 problem+json, or an OAuth error) into the typed {@link ApiException}. */
public final class Problems {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Problems() {
    }

    public static ApiException toException(int status, String body, Optional<String> retryAfter) {
        JsonNode problem = parse(body);
        String code = text(problem, "code").or(() -> text(problem, "error")).orElse("HTTP_" + status);
        String message = status + " " + code + text(problem, "detail").or(() -> text(problem, "error_description"))
                .or(() -> text(problem, "title")).map(d -> ": " + d).orElse("");
        if (code.equals("INSUFFICIENT_CREDITS") || status == 402) {
            return new ApiException.InsufficientCredits(status, code, message);
        }
        if (code.equals("invalid_grant") || code.equals("unauthorized_client") || status == 401) {
            return new ApiException.NotAuthenticated(status, code, message);
        }
        return switch (status) {
            case 400, 411, 413, 415, 422 -> new ApiException.InvalidRequest(status, code, message);
            case 403 -> new ApiException.Forbidden(status, code, message);
            case 404 -> new ApiException.NotFound(status, code, message);
            case 409 -> new ApiException.Conflict(status, code, message);
            case 429 -> new ApiException.RateLimited(status, code, message, retryAfter.flatMap(Problems::seconds).orElse(null));
            default -> new ApiException.ServerOrNetwork(status, code, message);
        };
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : JSON.createObjectNode();
        } catch (IOException notJson) {
            return JSON.createObjectNode();
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static Optional<Long> seconds(String header) {
        try {
            return Optional.of(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
