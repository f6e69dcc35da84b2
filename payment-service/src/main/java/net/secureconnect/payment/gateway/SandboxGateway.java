package net.secureconnect.payment.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.service.Payment;

import java.time.Clock;
import java.util.Map;

/**
 * The local gateway: its hosted checkout page is served by this service ({@code /sandbox/checkout/{id}}),
 * and its outcome comes back as a Stripe-shaped webhook signed with Stripe's scheme, verified by exactly
 * the code a Stripe webhook goes through. Moves no money, so anybody can "pay" with it: it exists only in
 * the dev, test and local profiles ({@link net.secureconnect.payment.config.ProductionGuard}).
 */
@ApplicationScoped
public class SandboxGateway implements PaymentGateway {

    public static final String NAME = "sandbox";

    private final PaymentConfig config;
    private final Clock clock;

    public SandboxGateway(PaymentConfig config) {
        this.config = config;
        this.clock = Clock.systemUTC();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void requireConfigured() {
        if (config.sandbox().webhookSecret().isEmpty()) {
            throw new IllegalStateException("payment.gateway=sandbox needs payment.sandbox.webhook-secret");
        }
    }

    @Override
    public Checkout openCheckout(Payment payment) {
        // Deterministic: opening the same payment twice yields the same checkout.
        return new Checkout("sbx_cs_" + payment.paymentId(),
                config.publicBaseUrl() + "/sandbox/checkout/" + payment.paymentId());
    }

    @Override
    public GatewayEvent verify(Map<String, String> headers, byte[] rawBody) throws InvalidWebhookException {
        StripeSignature.verify(secret(), headers.get(StripeSignature.HEADER), rawBody,
                clock.instant());
        return StripeEvents.read(rawBody);
    }

    /** The signature header for a webhook the sandbox sends now. */
    public String sign(byte[] body) {
        return StripeSignature.sign(secret(), clock.instant(), body);
    }

    private String secret() {
        return config.sandbox().webhookSecret().orElseThrow(() ->
                new IllegalStateException("payment.sandbox.webhook-secret is not set"));
    }
}
