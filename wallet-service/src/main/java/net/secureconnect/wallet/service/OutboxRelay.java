package net.secureconnect.wallet.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.wallet.config.WalletConfig;
import net.secureconnect.wallet.messaging.Announcer;
import net.secureconnect.wallet.repository.LedgerStore;
import net.secureconnect.wallet.repository.WalletStore;
import net.secureconnect.runtime.outbox.OutboxBacklog;
import io.micrometer.core.instrument.MeterRegistry;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Publishes ledger entries' announcements and makes sure none is lost: a wallet stays in the {@code outbox}
 * index from the transaction that changed it until its announcements are acknowledged; whatever a crash or a
 * failed publish left there is published again from the ledger (see docs/wallet.md, "Events out").
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Longest wait for Kafka to acknowledge re-published announcements. */
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final Announcer announcer;
    private final WalletStore wallets;
    private final LedgerStore ledger;
    private final WalletCache cache;
    private final AccountLocks locks;
    private final WalletMetrics metrics;
    private final WalletConfig config;
    private final Clock clock = Clock.systemUTC();
    private final OutboxBacklog backlog;
    /** Runs of consecutive versions whose announcements were acknowledged and are not yet written back. */
    private final Map<String, List<Run>> confirmed = new ConcurrentHashMap<>();
    /** Accounts with a failed publication: they are published again from the stored {@code announced}. */
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService clearer;

    public OutboxRelay(Announcer announcer, WalletStore wallets, LedgerStore ledger, WalletCache cache,
                       AccountLocks locks, WalletMetrics metrics, WalletConfig config, MeterRegistry registry) {
        this.announcer = announcer;
        this.backlog = new OutboxBacklog(registry, "wallet");
        this.wallets = wallets;
        this.ledger = ledger;
        this.cache = cache;
        this.locks = locks;
        this.metrics = metrics;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        clearer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "wallet-outbox-clearer");
            thread.setDaemon(true);
            return thread;
        });
        long interval = config.outbox().clearInterval().toMillis();
        clearer.scheduleWithFixedDelay(this::writeBack, interval, interval, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (clearer != null) {
            clearer.shutdownNow();
        }
    }

    /** Versions {@code low..high} of one account, all published. */
    record Run(long low, long high) {
    }

    /**
     * Publishes the announcements of {@code entries} (one account, ascending versions). The caller holds the
     * account's lock, so the records reach the producer in version order. The future completes when Kafka has
     * acknowledged all of them.
     *
     * @param arrivalNanos {@link System#nanoTime()} when the causing record arrived, or 0 if not measured
     */
    public CompletableFuture<Void> publish(String accountId, List<LedgerEntry> entries, long arrivalNanos) {
        if (entries.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?>[] acks = new CompletableFuture<?>[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            acks[i] = announcer.announce(entries.get(i), arrivalNanos);
        }
        List<Run> runs = runsOf(entries);
        return CompletableFuture.allOf(acks).whenComplete((ok, error) -> {
            if (error == null) {
                runs.forEach(run -> confirm(accountId, run));
            } else {
                failed.add(accountId);
            }
        });
    }

    /** Split at gaps: a version written by someone else in between is not confirmed by this publication. */
    static List<Run> runsOf(List<LedgerEntry> entries) {
        List<Run> runs = new ArrayList<>();
        long low = entries.get(0).version();
        long high = low;
        for (int i = 1; i < entries.size(); i++) {
            long version = entries.get(i).version();
            if (version != high + 1) {
                runs.add(new Run(low, high));
                low = version;
            }
            high = version;
        }
        runs.add(new Run(low, high));
        return runs;
    }

    private void confirm(String accountId, Run run) {
        confirmed.compute(accountId, (account, runs) -> {
            List<Run> merged = new ArrayList<>(runs == null ? List.of() : runs);
            merged.add(run);
            merged.sort(java.util.Comparator.comparingLong(Run::low));
            List<Run> joined = new ArrayList<>();
            for (Run next : merged) {
                Run last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
                if (last != null && next.low() <= last.high() + 1) {
                    joined.set(joined.size() - 1, new Run(last.low(), Math.max(last.high(), next.high())));
                } else {
                    joined.add(next);
                }
            }
            return joined;
        });
    }

    /**
     * Writes confirmed runs back once the account is quiet ({@code announced} advances only over consecutive
     * confirmed versions; the wallet leaves the outbox index when nothing newer exists) and re-publishes
     * accounts whose publication failed. Runs on the clearer thread.
     */
    void writeBack() {
        List<WalletStore.Announced> quiet = new ArrayList<>();
        for (String accountId : List.copyOf(confirmed.keySet())) {
            List<Run> runs = confirmed.remove(accountId);
            if (runs == null) {
                continue;
            }
            if (cache.version(accountId) > runs.get(runs.size() - 1).high()) {
                // Still busy: a newer change of ours is on its way. One write when the account is quiet instead
                // of one per interval; the wallet stays in the outbox index meanwhile, which costs nothing.
                runs.forEach(run -> confirm(accountId, run));
                continue;
            }
            if (runs.size() == 1) {
                quiet.add(new WalletStore.Announced(accountId, runs.get(0).low(), runs.get(0).high()));
            } else {
                writeBack(accountId, runs);
            }
        }
        // The usual case, one run per quiet account: up to 100 accounts per request, as one transaction. When
        // any condition does not hold (the account moved on), each is written on its own as before.
        for (int from = 0; from < quiet.size(); from += WalletStore.MAX_MARKS_PER_TRANSACTION) {
            List<WalletStore.Announced> chunk = quiet.subList(from,
                    Math.min(quiet.size(), from + WalletStore.MAX_MARKS_PER_TRANSACTION));
            try {
                wallets.markAnnounced(chunk);
            } catch (SdkException notAllAtOnce) {
                chunk.forEach(mark -> writeBack(mark.accountId(), List.of(new Run(mark.low(), mark.high()))));
            }
        }
        for (String accountId : List.copyOf(failed)) {
            try {
                failed.remove(accountId);
                republish(accountId);
            } catch (RuntimeException | InterruptedException | ExecutionException | TimeoutException e) {
                failed.add(accountId);
                LOG.warnf("re-publishing a wallet's announcements failed (%s); will retry", e.getClass().getSimpleName());
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Writes one account's confirmed runs back, oldest first; what cannot be written yet is confirmed again. */
    private void writeBack(String accountId, List<Run> runs) {
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            try {
                if (!wallets.markAnnounced(accountId, run.low(), run.high())) {
                    wallets.advanceAnnounced(accountId, run.low(), run.high());
                }
            } catch (SdkException e) {
                runs.subList(i, runs.size()).forEach(rest -> confirm(accountId, rest));
                LOG.debugf("cannot write back announced versions yet: %s", e.getMessage());
                break;
            }
        }
    }

    /**
     * Re-publishes every wallet in the outbox index not changed for {@code grace} (all of them for zero), and
     * takes it out of the index once Kafka acknowledged. Returns the number of entries published again.
     */
    public int sweep(Duration grace) throws InterruptedException, ExecutionException, TimeoutException {
        long before = grace.isZero() ? Long.MAX_VALUE : clock.millis() - grace.toMillis();
        int republished = 0;
        OutboxBacklog.Pass pass = backlog.pass();
        for (int shard = 0; shard < wallets.shards(); shard++) {
            for (WalletStore.Pending pending : wallets.pending(shard, before)) {
                try {
                    republished += republish(pending.accountId());
                } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
                    // This wallet stays in the outbox: its last change is the oldest announcement still owed.
                    pass.left(pending.updatedAt());
                    pass.done();
                    throw e;
                }
            }
        }
        pass.done();
        if (republished > 0) {
            LOG.infof("outbox relay published %d ledger entries again", republished);
            metrics.republished(republished);
        }
        return republished;
    }

    /** Publishes the entries after the stored announced version and, when acknowledged, clears the wallet. */
    private int republish(String accountId)
            throws InterruptedException, ExecutionException, TimeoutException {
        ReentrantLock lock = locks.of(accountId);
        lock.lockInterruptibly();
        CompletableFuture<Void> acks;
        long version;
        long announced;
        List<LedgerEntry> entries;
        try {
            Optional<Wallet> wallet = wallets.find(accountId);
            if (wallet.isEmpty()) {
                return 0;
            }
            version = wallet.get().version();
            announced = wallet.get().announced();
            entries = new ArrayList<>(ledger.after(accountId, wallet.get().announced()));
            entries.removeIf(entry -> entry.version() > version);
            acks = publish(accountId, entries, 0);
        } finally {
            lock.unlock();
        }
        acks.get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        // Clear only what was published: an index lagging behind the table must not hide an entry.
        boolean complete = entries.size() == version - announced
                && (entries.isEmpty() || entries.get(0).version() == announced + 1);
        if (complete) {
            wallets.markAnnounced(accountId, announced + 1, version);
        }
        return entries.size();
    }
}
