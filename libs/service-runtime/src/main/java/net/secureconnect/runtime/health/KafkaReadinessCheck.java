package net.secureconnect.runtime.health;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.kafka.KafkaAdmin;
import net.secureconnect.runtime.kafka.TopicProvisioner;
import net.secureconnect.runtime.kafka.TopicSpec;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Ready when a Kafka broker answers and every topic this service uses exists. */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {

    private static final long PROBE_TIMEOUT_MS = 3_000;

    private final KafkaAdmin kafka;
    private final TopicProvisioner topics;

    public KafkaReadinessCheck(KafkaAdmin kafka, TopicProvisioner topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kafka").up();
        try {
            int brokers = kafka.admin().describeCluster().nodes().get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            response.withData("brokers", brokers);
            Set<String> existing = kafka.admin().listTopics().names().get(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            List<String> missing = topics.topics().stream().map(TopicSpec::name)
                    .filter(name -> !existing.contains(name)).toList();
            if (brokers == 0 || !missing.isEmpty()) {
                response.down();
            }
            if (!missing.isEmpty()) {
                response.withData("missingTopics", String.join(",", missing));
            }
        } catch (ExecutionException | TimeoutException e) {
            response.down().withData("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.down().withData("error", "interrupted");
        }
        return response.build();
    }
}
