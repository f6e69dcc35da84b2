package net.secureconnect.payment.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.payment.service.WebhookIntake;
import net.secureconnect.payment.service.WebhookProcessor;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Gateway webhooks. Public on purpose: a gateway has no bearer token; it proves itself by the signature
 * over the raw body, which is verified before anything is parsed. Answers 200 for a processed, repeated or
 * refused-but-authentic event (so the gateway stops retrying; a REJECTED one carries its code) and 400 with
 * nothing recorded for one that fails verification.
 */
@Path("/webhooks")
@PermitAll
public class WebhookResource {

    /** Answer to the gateway; {@code code} only with result REJECTED (why the payment was not touched). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Receipt(String result, String code) {

        static Receipt of(WebhookProcessor.Answer answer) {
            return new Receipt(answer.result().name(), answer.code());
        }
    }

    private final WebhookIntake intake;

    public WebhookResource(WebhookIntake intake) {
        this.intake = intake;
    }

    @POST
    @Path("/{gateway}")
    @Produces(MediaType.APPLICATION_JSON)
    public Receipt receive(@PathParam("gateway") String gateway, @Context HttpHeaders headers, byte[] rawBody) {
        return Receipt.of(intake.receive(gateway, lowerCase(headers), rawBody == null ? new byte[0] : rawBody));
    }

    static Map<String, String> lowerCase(HttpHeaders headers) {
        Map<String, String> map = new HashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) {
                map.put(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        return map;
    }
}
