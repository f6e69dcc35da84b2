package net.secureconnect.runtime.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import net.secureconnect.runtime.kafka.KafkaAdmin;
import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Gauge {@code secureconnect_kafka_reachable}: 1 when this service's last probe of the Kafka cluster (describe
 * cluster, through the shared admin client with the service's own bootstrap servers and credentials) got at least one
 * broker within {@link #PROBE_TIMEOUT}, 0 otherwise. Every service has it, whatever clients it uses, and it does not
 * depend on traffic (a client's connection count drops to 0 when an idle connection is closed), so alert
 * {@code KafkaUnreachable} means the same in each. The probe runs every {@link #INTERVAL} on a thread of its own,
 * never during a scrape.
 */
@ApplicationScoped
public class KafkaReachability {

    static final Duration INTERVAL = Duration.ofSeconds(15);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private final Supplier<Admin> admin;
    private final AtomicInteger reachable = new AtomicInteger();
    private ScheduledExecutorService prober;

    // @Inject: with a second constructor (for tests) CDI would not take this class as a bean without it.
    @Inject
    public KafkaReachability(KafkaAdmin kafka, MeterRegistry registry) {
        this(kafka::admin, registry);
    }

    KafkaReachability(Supplier<Admin> admin, MeterRegistry registry) {
        this.admin = admin;
        Gauge.builder("secureconnect.kafka.reachable", reachable, AtomicInteger::get)
                .description("1 when the last probe reached a Kafka broker within 5 s, else 0")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "kafka-reachability");
            thread.setDaemon(true);
            return thread;
        });
        prober.scheduleWithFixedDelay(this::probe, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (prober != null) {
            prober.shutdownNow();
        }
    }

    /** One probe; returns and records whether a broker answered. Never throws (a scheduled task that throws stops). */
    boolean probe() {
        boolean ok;
        try {
            ok = !admin.get().describeCluster().nodes().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            ok = false;
        }
        reachable.set(ok ? 1 : 0);
        return ok;
    }
}
