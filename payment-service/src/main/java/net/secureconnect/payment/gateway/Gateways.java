package net.secureconnect.payment.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import io.smallrye.config.SmallRyeConfig;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.config.ProductionGuard;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every gateway this build knows, by name, and the one configured for new checkouts. */
@io.quarkus.runtime.Startup // a misconfigured gateway stops the service at startup, not at the first payment
@ApplicationScoped
public class Gateways {

    private final Map<String, PaymentGateway> byName;
    private final String active;

    public Gateways(Instance<PaymentGateway> gateways, PaymentConfig config) {
        // First: in production, the sandbox, a missing gateway or a public secret stop the service here.
        ProductionGuard.check(ConfigProvider.getConfig().unwrap(SmallRyeConfig.class), config.gateway());
        this.byName = gateways.stream().collect(Collectors.toUnmodifiableMap(PaymentGateway::name, Function.identity()));
        this.active = config.gateway().orElseThrow(() ->
                new IllegalStateException("payment.gateway is not set; one of " + byName.keySet()));
        if (!byName.containsKey(active)) {
            throw new IllegalStateException("payment.gateway=" + active + " is none of " + byName.keySet());
        }
        byName.get(active).requireConfigured();
    }

    /** The gateway new checkouts go through. */
    public PaymentGateway active() {
        return byName.get(active);
    }

    /**
     * The gateway whose webhooks {@code /webhooks/{name}} accepts: only the active one, so a secret that is
     * not configured for production (the sandbox's) can never credit anything there.
     */
    public Optional<PaymentGateway> acceptingWebhooks(String name) {
        return active.equals(name) ? Optional.of(byName.get(name)) : Optional.empty();
    }
}
