package net.secureconnect.sdk.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/** JSON over java.net.http with a bearer token; every non-2xx answer becomes a typed {@link ApiException}. */
final class HttpJson {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http;
    private final URI base;
    private final Supplier<String> accessToken;

    HttpJson(HttpClient http, URI base, Supplier<String> accessToken) {
        this.http = http;
        this.base = base;
        this.accessToken = accessToken;
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    JsonNode post(String path, Object body) {
        return send(request(path).POST(json(body)).header("Content-Type", "application/json"));
    }

    /** POST with extra headers (e.g. {@code Idempotency-Key}). */
    JsonNode post(String path, Object body, java.util.Map<String, String> headers) {
        HttpRequest.Builder request = request(path).POST(json(body)).header("Content-Type", "application/json");
        headers.forEach(request::header);
        return send(request);
    }

    JsonNode put(String path, Object body) {
        return send(request(path).PUT(json(body)).header("Content-Type", "application/json"));
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Accept", "application/json, application/problem+json")
                .header("Authorization", "Bearer " + accessToken.get());
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            // A byte array publisher: the length is known, so Content-Length is sent (identity-service refuses chunked bodies).
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalArgumentException("body not serialisable", e);
        }
    }

    static JsonNode send(HttpClient http, HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiException.ServerOrNetwork("no answer from " + request.uri().getHost() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.ServerOrNetwork("interrupted", e);
        }
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            throw Problems.toException(status, response.body(), response.headers().firstValue("Retry-After"));
        }
        if (response.body() == null || response.body().isEmpty()) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ApiException.ServerOrNetwork(status, "MALFORMED_RESPONSE", "answer is not JSON");
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        return send(http, request.build());
    }
}
