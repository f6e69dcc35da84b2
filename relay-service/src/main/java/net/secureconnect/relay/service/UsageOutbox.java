package net.secureconnect.relay.service;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.messaging.RelayKafka;
import net.secureconnect.relay.repository.QueueStore;
import net.secureconnect.runtime.outbox.OutboxBacklog;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes usage events to {@code usage-events}. A CAPTURE is written to the outbox (the envelope's row) in the
 * same transaction as the envelope, published right after, and cleared once Kafka acknowledged it; the sweeper
 * re-publishes leftovers (at start-up with no grace, then periodically), with the same deterministic event id.
 * A held envelope (its AUTHORIZE out) has the RELEASE of that authorization in the outbox, due after the
 * authorize timeout: the sweeper publishes it when nobody completed or dropped the hold by then.
 */
@ApplicationScoped
public class UsageOutbox {

    private static final Logger LOG = Logger.getLogger(UsageOutbox.class);
    /** How long a clear waits for others to share its request (the sweeper's grace is far longer). */
    private static final Duration BATCH_LINGER = Duration.ofMillis(50);

    private final RelayKafka kafka;
    private final QueueStore store;
    private final RelayMetrics metrics;
    private final RelayConfig.Outbox config;
    private final OutboxBacklog backlog;
    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "relay-outbox-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    /** Envelope keys whose usage event Kafka acknowledged, leaving the outbox index a batch at a time. */
    private final BackgroundBatches<String> toClear;

    public UsageOutbox(RelayKafka kafka, QueueStore store, RelayMetrics metrics, RelayConfig config,
                       MeterRegistry registry) {
        this.kafka = kafka;
        this.backlog = new OutboxBacklog(registry, "relay-usage");
        this.store = store;
        this.metrics = metrics;
        this.config = config.outbox();
        // A clear that never happens costs a re-publication by the sweeper, which the wallet de-duplicates.
        this.toClear = new BackgroundBatches<>("relay-outbox-clearer", QueueStore.MAX_TRANSACTION_ITEMS,
                BATCH_LINGER, store::clearOutbox, store::clearOutbox);
    }

    public int shardOf(String account) {
        return Math.floorMod(account.hashCode(), config.shards());
    }

    public CompletableFuture<Void> publish(UsageEvent event) {
        return kafka.send(Topic.USAGE_EVENTS.topicName(), event.accountId(), EventJson.encode(event))
                .thenRun(() -> metrics.usagePublished(event.mode().name(), "send"));
    }

    /**
     * Publishes a RELEASE of an authorization whose action will not happen (timed out, or not stored): the wallet
     * credits back what it debited, once, or nothing if it refused it. Best effort: logged when it fails.
     */
    public void release(String account, UsageKind kind, String authorizationId) {
        publish(releaseOf(account, kind, authorizationId)).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warnf("release of an authorization not published (%s)", error.getClass().getSimpleName());
            }
        });
    }

    /** The RELEASE of an authorization: one per authorization (its id derives from the authorization's). */
    public static UsageEvent releaseOf(String account, UsageKind kind, String authorizationId) {
        return new UsageEvent(EventIds.forCause(EventType.USAGE_EVENT, "relay-service", "release", authorizationId),
                Instant.now(), account, kind, 1, UsageMode.RELEASE, authorizationId, "relay-service");
    }

    /**
     * Publishes a CAPTURE stored in the outbox and clears it once acknowledged. The clear is queued for the
     * clearer thread: the acknowledgement runs on the Kafka producer's I/O thread, which must never wait for
     * DynamoDB (it did once, and every send of the instance queued behind one update at a time).
     */
    public void publishAndClear(UsageEvent event, String envelopeKey) {
        publish(event).thenRun(() -> toClear.add(envelopeKey));
    }

    /** Starts the sweeper: a pass now with no grace (leftovers of a crash), then every sweep interval. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        sweeper.execute(() -> sweep(Duration.ZERO));
        long every = config.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(() -> sweep(config.sweepGrace()), every, every, TimeUnit.MILLISECONDS);
    }

    /** Re-publishes every outbox entry older than {@code grace}; returns how many. */
    public int sweep(Duration grace) {
        int published = 0;
        OutboxBacklog.Pass pass = backlog.pass();
        QueueStore.Leftover current = null;
        try {
            Instant before = Instant.now().minus(grace);
            for (int shard = 0; shard < config.shards(); shard++) {
                List<QueueStore.Leftover> leftovers;
                do {
                    leftovers = store.leftovers(shard, before, 100);
                    for (QueueStore.Leftover leftover : leftovers) {
                        current = leftover;
                        if (leftover.state() == QueueStore.EnvelopeState.HELD && !store.releaseHeld(leftover.envelopeKey())) {
                            continue; // completed at the last moment: its entry left the outbox with it
                        }
                        UsageEvent event = (UsageEvent) EventJson.decode(Topic.USAGE_EVENTS, leftover.usageEvent()).orElseThrow();
                        kafka.send(Topic.USAGE_EVENTS.topicName(), event.accountId(), leftover.usageEvent())
                                .get(30, TimeUnit.SECONDS);
                        metrics.usagePublished(event.mode().name(), "sweep");
                        store.clearOutbox(leftover.envelopeKey());
                        published++;
                        current = null;
                    }
                } while (leftovers.size() == 100);
            }
            pass.done();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("usage outbox sweep stopped early (%s); the next sweep continues", e.toString());
            if (current != null) {
                // The entry this pass could not publish; shards not reached are looked at by the next pass.
                pass.left(current.acceptedAt());
                pass.done();
            }
        }
        if (published > 0) {
            LOG.infof("re-published %d usage events left in the outbox", published);
        }
        return published;
    }

    @PreDestroy
    void stop() {
        toClear.stop();
        sweeper.shutdownNow();
    }
}
