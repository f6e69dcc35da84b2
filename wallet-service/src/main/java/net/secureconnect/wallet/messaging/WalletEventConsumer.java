package net.secureconnect.wallet.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.contracts.json.RejectionReason;
import net.secureconnect.wallet.config.WalletConfig;
import net.secureconnect.wallet.service.AccountLocks;
import net.secureconnect.wallet.service.Change;
import net.secureconnect.wallet.service.LedgerEntry;
import net.secureconnect.wallet.service.OutboxRelay;
import net.secureconnect.wallet.service.PostingService;
import net.secureconnect.wallet.service.WalletMetrics;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Consumes usage-events, payments and accounts. Per poll: decode (poison records to the dead letters), apply
 * per account in order (accounts in parallel), publish the announcements, wait for every acknowledgement,
 * then commit the offsets. A crash anywhere before the commit re-delivers the records, which are then
 * duplicates; a crash after a transaction but before its announcements were acknowledged is repaired by the
 * outbox relay, which runs before the first poll of every (re)start.
 */
@ApplicationScoped
public class WalletEventConsumer {

    private static final Logger LOG = Logger.getLogger(WalletEventConsumer.class);
    static final List<Topic> TOPICS = List.of(Topic.USAGE_EVENTS, Topic.PAYMENTS, Topic.ACCOUNTS);
    /** Longest wait for Kafka to acknowledge one poll's announcements before the poll is treated as failed. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaClients kafka;
    private final PostingService posting;
    private final OutboxRelay outbox;
    private final DeadLetters deadLetters;
    private final AccountLocks locks;
    private final WalletMetrics metrics;
    private final WalletConfig config;
    private final AtomicInteger generation = new AtomicInteger();
    private ExecutorService appliers;
    private volatile Thread thread;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;

    public WalletEventConsumer(KafkaClients kafka, PostingService posting, OutboxRelay outbox,
                               DeadLetters deadLetters, AccountLocks locks, WalletMetrics metrics,
                               WalletConfig config) {
        this.kafka = kafka;
        this.posting = posting;
        this.outbox = outbox;
        this.deadLetters = deadLetters;
        this.locks = locks;
        this.metrics = metrics;
        this.config = config;
    }

    // After the shared provisioners (default priority), which create the tables and topics.
    void onStart(@Observes @Priority(3000) StartupEvent event) {
        if (config.consumer().enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts consuming from the group's committed offsets, after the outbox relay's catch-up run. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        AtomicInteger threads = new AtomicInteger();
        appliers = Executors.newFixedThreadPool(Math.max(1, config.consumer().applyThreads()), runnable -> {
            Thread applier = new Thread(runnable, "wallet-apply-" + threads.incrementAndGet());
            applier.setDaemon(true);
            return applier;
        });
        thread = new Thread(this::run, "wallet-consumer-" + generation.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Stops without committing the poll in progress, as a crash would leave it: its records are delivered
     * again on the next start.
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        appliers.shutdownNow();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean running() {
        return running;
    }

    private void run() {
        long backoff = config.consumer().retryBackoff().toMillis();
        while (running) {
            try (KafkaConsumer<String, byte[]> current = kafka.consumer();
                 var meters = kafka.meters(current)) {
                consumer = current;
                catchUp();
                current.subscribe(TOPICS.stream().map(Topic::topicName).toList(), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        // Nothing to do: offsets are committed after every poll, before the next one.
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        LOG.infof("wallet consumer assigned %d partitions", partitions.size());
                    }
                });
                LOG.infof("wallet consumer started (group %s)", config.consumer().groupId());
                long nextSweep = System.nanoTime() + config.outbox().sweepInterval().toNanos();
                while (running) {
                    ConsumerRecords<String, byte[]> records = current.poll(config.consumer().pollTimeout());
                    long arrival = System.nanoTime();
                    if (!records.isEmpty()) {
                        handle(records, arrival);
                        current.commitSync(offsetsOf(records));
                    }
                    metrics.lag(lagOf(current));
                    if (System.nanoTime() - nextSweep > 0) {
                        outbox.sweep(config.outbox().sweepGrace());
                        nextSweep = System.nanoTime() + config.outbox().sweepInterval().toNanos();
                    }
                    backoff = config.consumer().retryBackoff().toMillis();
                }
            } catch (WakeupException | InterruptedException stopping) {
                if (running) {
                    LOG.warn("wallet consumer interrupted while running; restarting");
                }
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                // Nothing of the failed poll was committed: it is delivered again, its applied part as duplicates.
                LOG.errorf(e, "wallet consumer failed; restarting from the committed offsets in %d ms", backoff);
                sleep(backoff);
                backoff = Math.min(backoff * 2, config.consumer().maxRetryBackoff().toMillis());
            } finally {
                consumer = null;
            }
        }
    }

    /** The outbox relay's run without grace: whatever an earlier instance left unannounced is published first. */
    private void catchUp() throws InterruptedException {
        long backoff = config.consumer().retryBackoff().toMillis();
        while (running) {
            try {
                outbox.sweep(Duration.ZERO);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
                LOG.warnf("outbox catch-up failed (%s: %s); retrying in %d ms", e.getClass().getSimpleName(),
                        e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, config.consumer().maxRetryBackoff().toMillis());
            }
        }
    }

    private void handle(ConsumerRecords<String, byte[]> records, long arrival) throws Exception {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        Map<String, List<Change>> byAccount = new LinkedHashMap<>();
        Map<Change, ConsumerRecord<String, byte[]>> sources = new IdentityHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Topic topic = Topic.byName(record.topic()).orElseThrow();
            DecodeResult decoded = EventJson.decode(topic, record.value());
            if (decoded instanceof DecodeResult.Rejected rejected) {
                acks.add(deadLetters.park(record, topic, rejected.reason().name(), rejected.detail()));
                continue;
            }
            Event event = ((DecodeResult.Decoded) decoded).event();
            Change.of(event, config.welcomeCredits()).ifPresent(change -> {
                byAccount.computeIfAbsent(change.accountId(), account -> new ArrayList<>()).add(change);
                sources.put(change, record);
            });
        }
        if (byAccount.size() == 1) {
            // The usual case at low load: no hand-over to another thread on the latency path.
            Map.Entry<String, List<Change>> account = byAccount.entrySet().iterator().next();
            acks.addAll(apply(account.getKey(), account.getValue(), sources, arrival));
        } else {
            List<Future<List<CompletableFuture<?>>>> applied = new ArrayList<>(byAccount.size());
            for (Map.Entry<String, List<Change>> account : byAccount.entrySet()) {
                applied.add(appliers.submit(() -> apply(account.getKey(), account.getValue(), sources, arrival)));
            }
            for (Future<List<CompletableFuture<?>>> result : applied) {
                acks.addAll(result.get());
            }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture<?>[]::new))
                .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One account's changes of this poll, in order; returns the acknowledgements to wait for. */
    private List<CompletableFuture<?>> apply(String accountId, List<Change> changes,
                                             Map<Change, ConsumerRecord<String, byte[]>> sources, long arrival)
            throws InterruptedException {
        List<CompletableFuture<?>> acks = new ArrayList<>(2);
        ReentrantLock lock = locks.of(accountId);
        lock.lockInterruptibly();
        try {
            List<PostingService.Result> results = posting.post(accountId, changes);
            metrics.applyLatency(System.nanoTime() - arrival);
            List<LedgerEntry> entries = new ArrayList<>(results.size());
            for (PostingService.Result result : results) {
                if (result instanceof PostingService.Posted posted) {
                    entries.add(posted.entry());
                } else if (result instanceof PostingService.Refused refused) {
                    // Valid JSON, but not applicable (a credit that would overflow the balance): a poison record.
                    ConsumerRecord<String, byte[]> source = sources.get(refused.change());
                    acks.add(deadLetters.park(source, Topic.byName(source.topic()).orElseThrow(),
                            RejectionReason.INVALID_FIELD.name(), refused.code() + ": " + refused.detail()));
                }
            }
            acks.add(outbox.publish(accountId, entries, arrival));
        } finally {
            lock.unlock();
        }
        return acks;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsetsOf(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private static long lagOf(KafkaConsumer<String, byte[]> consumer) {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        return lag;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
