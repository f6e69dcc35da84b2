package net.secureconnect.payment.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.gateway.SandboxGateway;
import net.secureconnect.payment.gateway.StripeSignature;
import net.secureconnect.payment.repository.PaymentStore;
import net.secureconnect.payment.service.Payment;
import net.secureconnect.payment.service.WebhookIntake;
import net.secureconnect.payment.service.WebhookProcessor;
import net.secureconnect.runtime.rest.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The sandbox gateway's side: its hosted checkout page (Pay / Decline) and a refund button standing in for
 * a gateway dashboard. Each outcome is sent as a Stripe-shaped, Stripe-signed webhook through
 * {@link WebhookIntake}, the path a real gateway's webhook takes. Exists only while {@code payment.gateway}
 * is {@code sandbox}; 404 otherwise.
 */
@Path("/sandbox")
public class SandboxCheckoutResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PaymentConfig config;
    private final PaymentStore payments;
    private final SandboxGateway sandbox;
    private final WebhookIntake intake;
    private final JsonWebToken caller;

    public SandboxCheckoutResource(PaymentConfig config, PaymentStore payments, SandboxGateway sandbox,
                                   WebhookIntake intake, JsonWebToken caller) {
        this.config = config;
        this.payments = payments;
        this.sandbox = sandbox;
        this.intake = intake;
        this.caller = caller;
    }

    /**
     * The hosted checkout page. Public on purpose, like a gateway's: the browser arrives by redirect without
     * our bearer token; the payment id (random UUID) is the capability.
     */
    @GET
    @Path("/checkout/{paymentId}")
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    public String page(@PathParam("paymentId") String paymentId) {
        Payment p = sandboxPayment(paymentId);
        String base = "/sandbox/checkout/" + escape(p.paymentId());
        String amount = String.format(Locale.ROOT, "%d.%02d %s", p.amountMinor() / 100, p.amountMinor() % 100,
                escape(p.currency()));
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sandbox checkout</title></head><body>"
                + "<h1>SecureConnect sandbox checkout</h1>"
                + "<p>No real money moves here.</p>"
                + "<p>Pack <b>" + escape(p.packId()) + "</b>: " + p.credits() + " credits for " + amount + "</p>"
                + "<p>Status: <b id=\"status\">" + p.status() + "</b></p>"
                + "<form method=\"post\" action=\"" + base + "/pay\"><button id=\"pay\">Pay</button></form>"
                + "<form method=\"post\" action=\"" + base + "/decline\"><button id=\"decline\">Decline</button></form>"
                + "</body></html>";
    }

    /** The Pay button: the gateway reports a paid checkout session. */
    @POST
    @Path("/checkout/{paymentId}/pay")
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    public String pay(@PathParam("paymentId") String paymentId) {
        Payment p = sandboxPayment(paymentId);
        ObjectNode object = session(p);
        object.put("payment_status", "paid");
        send("checkout.session.completed", object);
        return page(paymentId);
    }

    /** The Decline button: the gateway reports a failed payment. */
    @POST
    @Path("/checkout/{paymentId}/decline")
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    public String decline(@PathParam("paymentId") String paymentId) {
        Payment p = sandboxPayment(paymentId);
        ObjectNode object = session(p);
        object.put("payment_status", "unpaid");
        send("checkout.session.async_payment_failed", object);
        return page(paymentId);
    }

    /**
     * Stands in for "refund" in a gateway's dashboard: a full refund of the caller's own payment. Bearer
     * token required, owner only.
     */
    @POST
    @Path("/payments/{paymentId}/refund")
    @Produces(MediaType.APPLICATION_JSON)
    public WebhookResource.Receipt refund(@PathParam("paymentId") String paymentId) {
        Payment p = sandboxPayment(paymentId);
        if (!p.accountId().equals(caller.getSubject())) {
            throw new ProblemException(403, "FORBIDDEN", "Forbidden", "payments of another account");
        }
        ObjectNode charge = JSON.createObjectNode();
        charge.put("id", "sbx_ch_" + p.paymentId());
        charge.put("object", "charge");
        charge.put("amount", p.amountMinor());
        charge.put("amount_refunded", p.amountMinor());
        charge.put("refunded", true);
        charge.put("payment_intent", "sbx_pi_" + p.paymentId());
        charge.put("currency", p.currency().toLowerCase(Locale.ROOT));
        charge.putObject("metadata").put("paymentId", p.paymentId());
        return WebhookResource.Receipt.of(send("charge.refunded", charge));
    }

    private WebhookProcessor.Answer send(String type, ObjectNode object) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", "evt_sbx_" + UUID.randomUUID());
        event.put("object", "event");
        event.put("type", type);
        event.put("created", Instant.now().getEpochSecond());
        event.putObject("data").set("object", object);
        byte[] body = event.toString().getBytes(StandardCharsets.UTF_8);
        return intake.receive(SandboxGateway.NAME, Map.of(StripeSignature.HEADER, sandbox.sign(body)), body);
    }

    private static ObjectNode session(Payment p) {
        ObjectNode object = JSON.createObjectNode();
        object.put("id", p.gatewayRef());
        object.put("object", "checkout.session");
        object.put("client_reference_id", p.paymentId());
        object.put("payment_intent", "sbx_pi_" + p.paymentId());
        object.put("amount_total", p.amountMinor());
        object.put("currency", p.currency().toLowerCase(Locale.ROOT));
        object.putObject("metadata").put("paymentId", p.paymentId());
        return object;
    }

    private Payment sandboxPayment(String paymentId) {
        if (!config.gateway().filter(SandboxGateway.NAME::equals).isPresent()) {
            throw notFound();
        }
        return payments.find(paymentId).filter(p -> SandboxGateway.NAME.equals(p.gateway()))
                .orElseThrow(SandboxCheckoutResource::notFound);
    }

    private static ProblemException notFound() {
        return new ProblemException(404, "CHECKOUT_NOT_FOUND", "Checkout not found", "no sandbox checkout here");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
