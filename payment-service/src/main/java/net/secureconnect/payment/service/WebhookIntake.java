package net.secureconnect.payment.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.payment.gateway.GatewayEvent;
import net.secureconnect.payment.gateway.Gateways;
import net.secureconnect.payment.gateway.InvalidWebhookException;
import net.secureconnect.payment.gateway.PaymentGateway;
import net.secureconnect.runtime.rest.ProblemException;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * The one way into the payment state machine from a gateway: verify the raw bytes, then parse, then
 * process. Used by {@code POST /webhooks/{gateway}} and by the sandbox checkout page alike.
 */
@ApplicationScoped
public class WebhookIntake {

    private static final Logger LOG = Logger.getLogger(WebhookIntake.class);

    private final Gateways gateways;
    private final WebhookProcessor processor;
    private final MeterRegistry metrics;

    public WebhookIntake(Gateways gateways, WebhookProcessor processor, MeterRegistry metrics) {
        this.gateways = gateways;
        this.processor = processor;
        this.metrics = metrics;
    }

    /**
     * @param headers request headers with lower-case names
     * @throws ProblemException 404 for a gateway not accepting webhooks, 400 for a webhook that fails
     *                          verification or cannot be read (then nothing is recorded)
     */
    public WebhookProcessor.Answer receive(String gatewayName, Map<String, String> headers, byte[] rawBody) {
        PaymentGateway gateway = gateways.acceptingWebhooks(gatewayName).orElseThrow(() ->
                new ProblemException(404, "UNKNOWN_GATEWAY", "Unknown gateway",
                        "no active gateway named " + gatewayName));
        GatewayEvent event;
        try {
            event = gateway.verify(headers, rawBody);
        } catch (InvalidWebhookException e) {
            metrics.counter("payment.webhooks.rejected", "gateway", gateway.name(), "code", e.code()).increment();
            // The reason only: never the body or the signature header.
            LOG.warnf("%s webhook rejected: %s (%s)", gateway.name(), e.code(), e.getMessage());
            throw new ProblemException(400, e.code(), "Webhook rejected", e.getMessage());
        }
        return processor.process(gateway.name(), event);
    }
}
