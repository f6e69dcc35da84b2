package net.secureconnect.identity.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.DeviceRemoved;
import net.secureconnect.contracts.Event;
import net.secureconnect.identity.config.IdentityConfig;
import net.secureconnect.identity.messaging.AccountEventPublisher;
import net.secureconnect.identity.repository.OutboxStore;
import net.secureconnect.runtime.outbox.OutboxBacklog;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves committed events from the outbox to Kafka, in each account's order. A request drains its
 * account right after its transaction; a sweeper drains accounts whose events stayed behind (the
 * process died, the broker was down). Publishing before deleting the row means an event may go out
 * twice, never zero times; its deterministic id lets consumers drop the repeat.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Accounts one sweep takes on; the next sweep continues. */
    static final int MAX_ACCOUNTS_PER_SWEEP = 1_000;
    /** Drains of one account in this process are serialised through one of these locks. */
    static final int LOCK_STRIPES = 64;

    private final OutboxStore outbox;
    private final AccountEventPublisher publisher;
    private final AccountCleanup cleanup;
    private final IdentityConfig.Outbox config;
    private final MeterRegistry metrics;
    private final OutboxBacklog backlog;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    private ScheduledExecutorService sweeper;

    public OutboxRelay(OutboxStore outbox, AccountEventPublisher publisher, AccountCleanup cleanup,
                       IdentityConfig config, MeterRegistry metrics) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.cleanup = cleanup;
        this.config = config.outbox();
        this.metrics = metrics;
        this.backlog = new OutboxBacklog(metrics, "identity");
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    void onStart(@Observes StartupEvent event) {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outbox-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long every = config.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    /**
     * Publishes the account's pending events in order. Returns false (and leaves the rest for the sweeper)
     * at the first one that cannot be published; never throws, because the change it follows is durable.
     */
    public boolean drain(String accountId) {
        ReentrantLock lock = locks[Math.floorMod(accountId.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            for (OutboxStore.Entry entry : outbox.pending(accountId)) {
                completeSideEffects(entry.event());
                publisher.publish(entry.event(), config.publishTimeout());
                outbox.delete(entry.accountId(), entry.seq());
                metrics.counter("identity.outbox.published", "type", entry.event().type().wireName()).increment();
            }
            return true;
        } catch (RuntimeException e) {
            metrics.counter("identity.outbox.failed").increment();
            LOG.warnf("events of account %s stay in the outbox for the sweeper: %s", accountId, e.toString());
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Drains every account whose oldest pending event is older than the stale-after setting. */
    void sweep() {
        try {
            Instant cutoff = Instant.now().minus(config.staleAfter());
            OutboxBacklog.Pass pass = backlog.pass();
            for (Map.Entry<String, Long> account : outbox.accountsWithEventsBefore(cutoff, MAX_ACCOUNTS_PER_SWEEP).entrySet()) {
                if (!drain(account.getKey())) {
                    pass.left(account.getValue());
                }
            }
            pass.done();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and wait for the next round.
            LOG.warnf("outbox sweep failed: %s", e.toString());
        }
    }

    private void completeSideEffects(Event event) {
        if (event instanceof DeviceRemoved removed) {
            cleanup.removedDevice(removed.accountId(), removed.deviceId());
        } else if (event instanceof AccountDeleted deleted) {
            cleanup.deletedAccount(deleted.accountId());
        }
    }
}
