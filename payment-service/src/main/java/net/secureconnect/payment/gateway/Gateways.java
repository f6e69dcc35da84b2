package net.secureconnect.payment.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import net.secureconnect.payment.config.PaymentConfig;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every gateway this build knows, by name, and the one configured for new checkouts. */
@io.quarkus.runtime.Startup // a misconfigured gateway stops the service at startup, not at the first payment
@ApplicationScoped
public class Gateways {

    private final Map<String, PaymentGateway> byName;
    private final PaymentConfig config;

    public Gateways(Instance<PaymentGateway> gateways, PaymentConfig config) {
        this.byName = gateways.stream().collect(Collectors.toUnmodifiableMap(PaymentGateway::name, Function.identity()));
        this.config = config;
        if (!byName.containsKey(config.gateway())) {
            throw new IllegalStateException("payment.gateway=" + config.gateway() + " is none of " + byName.keySet());
        }
        byName.get(config.gateway()).requireConfigured();
    }

    /** The gateway new checkouts go through. */
    public PaymentGateway active() {
        return byName.get(config.gateway());
    }

    /**
     * The gateway whose webhooks {@code /webhooks/{name}} accepts: only the active one, so a secret that is
     * not configured for production (the sandbox's) can never credit anything there.
     */
    public Optional<PaymentGateway> acceptingWebhooks(String name) {
        return config.gateway().equals(name) ? Optional.of(byName.get(name)) : Optional.empty();
    }
}
