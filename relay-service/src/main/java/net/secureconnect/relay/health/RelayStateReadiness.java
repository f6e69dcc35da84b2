package net.secureconnect.relay.health;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.relay.messaging.RelayStateConsumer;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once device lists and balances are read up to date: before that, sends would be mis-judged. */
@Readiness
@ApplicationScoped
public class RelayStateReadiness implements HealthCheck {

    private final RelayStateConsumer consumer;

    public RelayStateReadiness(RelayStateConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("relay-state").status(consumer.caughtUp())
                .withData("skippedRecords", consumer.skippedRecords()).build();
    }
}
