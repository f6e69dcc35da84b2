package net.secureconnect.payment.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.secureconnect.runtime.rest.ProblemException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One call to a gateway's REST API and what every gateway does with its answer: a transport failure, a non-2xx
 * status or a body that is not JSON all become {@code 502 GATEWAY_UNAVAILABLE}, so the client may retry the
 * same checkout (the payment stays OPENING and its idempotency key replays the first answer).
 */
final class GatewayCall {

    private static final Logger LOG = Logger.getLogger(GatewayCall.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private GatewayCall() {
    }

    /** The 2xx answer's JSON body; anything else throws {@link #unavailable}. */
    static JsonNode send(HttpClient http, HttpRequest request, String gateway, String paymentId) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unavailable(gateway + " unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw unavailable(gateway + "'s answer is not JSON");
        }
        if (response.statusCode() / 100 != 2) {
            // The error object's type and code only: its message may echo request data.
            LOG.warnf("%s refused payment %s: HTTP %d %s/%s", gateway, paymentId, response.statusCode(),
                    body.path("error").path("type").asText(), body.path("error").path("code").asText());
            throw unavailable(gateway + " answered " + response.statusCode());
        }
        return body;
    }

    static ProblemException unavailable(String detail) {
        return new ProblemException(502, "GATEWAY_UNAVAILABLE", "Payment gateway unavailable", detail);
    }
}
