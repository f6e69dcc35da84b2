package net.secureconnect.payment.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.gateway.RazorpayGateway;
import net.secureconnect.payment.repository.PaymentStore;
import net.secureconnect.payment.service.Payment;
import net.secureconnect.payment.service.PaymentStatus;
import net.secureconnect.runtime.rest.ProblemException;

/**
 * The page that runs Razorpay's own checkout (checkout.js) for a Razorpay order; Razorpay has no hosted
 * page for orders. Public on purpose, like any checkout page: the browser arrives without our token and
 * the page holds nothing secret (the key id is public by Razorpay's design). The outcome still arrives
 * only as a signed webhook. Exists only while {@code payment.gateway} is {@code razorpay}.
 */
@Path("/razorpay/checkout")
public class RazorpayCheckoutResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PaymentConfig config;
    private final PaymentStore payments;
    private final RazorpayGateway razorpay;

    public RazorpayCheckoutResource(PaymentConfig config, PaymentStore payments, RazorpayGateway razorpay) {
        this.config = config;
        this.payments = payments;
        this.razorpay = razorpay;
    }

    @GET
    @Path("/{paymentId}")
    @PermitAll
    @Produces(MediaType.TEXT_HTML)
    public String page(@PathParam("paymentId") String paymentId) {
        if (!config.gateway().filter(RazorpayGateway.NAME::equals).isPresent()) {
            throw notFound();
        }
        Payment p = payments.find(paymentId)
                .filter(found -> RazorpayGateway.NAME.equals(found.gateway()) && found.gatewayRef() != null)
                .filter(found -> found.status() == PaymentStatus.PENDING || found.status() == PaymentStatus.FAILED)
                .orElseThrow(RazorpayCheckoutResource::notFound);
        ObjectNode options = JSON.createObjectNode();
        options.put("key", razorpay.keyId());
        options.put("order_id", p.gatewayRef());
        options.put("amount", p.amountMinor());
        options.put("currency", p.currency());
        options.put("name", "SecureConnect");
        options.put("description", p.credits() + " credits");
        // JSON inside a script element: escape '<' so no value can close the element.
        String json = options.toString().replace("<", "\\u003c");
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>SecureConnect top-up</title>"
                + "<script src=\"https://checkout.razorpay.com/v1/checkout.js\"></script></head><body>"
                + "<button id=\"pay\">Pay</button><script>var options=" + json + ";"
                + "document.getElementById('pay').onclick=function(){new Razorpay(options).open();};</script>"
                + "</body></html>";
    }

    private static ProblemException notFound() {
        return new ProblemException(404, "CHECKOUT_NOT_FOUND", "Checkout not found", "no Razorpay checkout here");
    }
}
