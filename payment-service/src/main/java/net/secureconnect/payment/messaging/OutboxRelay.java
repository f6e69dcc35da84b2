package net.secureconnect.payment.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.event.Observes;
import net.secureconnect.contracts.Event;
import net.secureconnect.payment.config.PaymentConfig;
import net.secureconnect.payment.repository.OutboxStore;
import net.secureconnect.runtime.outbox.OutboxBacklog;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes outbox rows and deletes them once Kafka has them. The request that wrote a row publishes it at
 * once ({@link #publishNow}); a background pass, from startup on and then periodically, publishes whatever
 * a crash or a broker outage left behind. Publishing one row twice is harmless: event ids are
 * deterministic, and the wallet credits once per payment id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final OutboxStore outbox;
    private final PaymentEventPublisher publisher;
    private final Duration interval;
    private final Duration minAge;
    private final Clock clock = Clock.systemUTC();
    private final OutboxBacklog backlog;
    private ScheduledExecutorService scheduler;

    public OutboxRelay(OutboxStore outbox, PaymentEventPublisher publisher, PaymentConfig config,
                       MeterRegistry metrics) {
        this.outbox = outbox;
        this.backlog = new OutboxBacklog(metrics, "payment");
        this.publisher = publisher;
        this.interval = config.outbox().relayInterval();
        this.minAge = config.outbox().relayMinAge();
    }

    void start(@Observes StartupEvent startup) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "payment-outbox-relay");
            t.setDaemon(true);
            return t;
        });
        // First pass right away: rows a crashed predecessor left are published at startup.
        scheduler.scheduleWithFixedDelay(this::relayQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** Publishes events just committed; on failure they stay in the outbox for the background pass. */
    public void publishNow(List<Event> events) {
        for (Event event : events) {
            try {
                publisher.publish(event);
                outbox.delete(event.eventId());
            } catch (PaymentEventPublisher.PublishFailedException | RuntimeException e) {
                LOG.warnf("event %s stays in the outbox: %s", event.eventId(), e.getMessage());
                return; // keep the account's order: later events wait for the relay too
            }
        }
    }

    /** One pass over rows older than the minimum age; returns how many were published. */
    public int relayPending() {
        return relay(outbox.writtenBefore(clock.instant().minus(minAge)));
    }

    /** One pass over every unpublished row, however young (startup after a crash, tests). */
    public int relayAll() {
        return relay(outbox.writtenBefore(clock.instant().plusSeconds(1)));
    }

    private int relay(List<OutboxStore.Row> rows) {
        int published = 0;
        OutboxBacklog.Pass pass = backlog.pass();
        for (OutboxStore.Row row : rows) {
            try {
                publisher.publish(row.event());
                outbox.delete(row.event().eventId());
                published++;
            } catch (PaymentEventPublisher.PublishFailedException e) {
                LOG.warnf("outbox relay paused: %s", e.getMessage());
                pass.left(row.writtenAt()); // the oldest left: rows come oldest first
                break;
            }
        }
        pass.done();
        return published;
    }

    private void relayQuietly() {
        try {
            int published = relayPending();
            if (published > 0) {
                LOG.infof("outbox relay published %d left-over event(s)", published);
            }
        } catch (RuntimeException e) {
            // Tables may not exist yet at startup (provisioning retries in the background); try next time.
            LOG.debugf("outbox relay pass skipped: %s", e.getMessage());
        }
    }
}
