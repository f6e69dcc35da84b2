package net.secureconnect.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Exposes a plain Kafka client's own metrics (the ones JMX would show) through Micrometer, so they reach
 * {@code /q/metrics}: consumer lag ({@code kafka_consumer_fetch_manager_records_lag{topic,partition}},
 * {@code ..._records_lag_max}), connection counts, request rates. Quarkus instruments only the clients it creates
 * itself (SmallRye channels); the services build theirs from {@code KafkaClientSettings}, so each binds them here.
 *
 * <p>Every meter carries {@code client="<name>"}: a stable name per role ({@code wallet-events},
 * {@code relay-state}), unlike Kafka's {@code client.id}, which may carry an instance id. The alert
 * {@code ConsumerLagHigh} groups by it. Close the {@link Binding} before closing the client (try-with-resources).
 */
@ApplicationScoped
public class KafkaClientMeters {

    /**
     * How often new Kafka metrics are looked for: a partition's lag metric appears after its first fetch. Micrometer's
     * default is a minute; a lag that appears a minute late would hide the start of a backlog.
     */
    static final Duration REFRESH = Duration.ofSeconds(15);

    private final MeterRegistry registry;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "kafka-client-meters");
        thread.setDaemon(true);
        return thread;
    });

    public KafkaClientMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A client's meters in the registry; {@link #close()} removes them. */
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /** Binds a consumer's metrics under {@code client=name}; close the result before closing the consumer. */
    public Binding bind(Consumer<?, ?> consumer, String name) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(consumer, Tags.of("client", name), refresher, REFRESH);
        metrics.bindTo(registry);
        return metrics::close;
    }

    /** Binds a producer's metrics under {@code client=name}; close the result before closing the producer. */
    public Binding bind(Producer<?, ?> producer, String name) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(producer, Tags.of("client", name), refresher, REFRESH);
        metrics.bindTo(registry);
        return metrics::close;
    }

    @PreDestroy
    void close() {
        refresher.shutdownNow();
    }
}
