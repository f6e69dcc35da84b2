package net.secureconnect.media.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.contracts.WalletStateEvent;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.runtime.kafka.KafkaClientSettings;
import net.secureconnect.runtime.metrics.KafkaClientMeters;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The wallet's answers to usage events, by usage event id: a {@code BalanceChanged} (or suspension/reinstatement)
 * whose cause is the event means it was applied; a {@code UsageRejected} naming it means it was refused. Every
 * instance reads every partition of {@code balances} and {@code usage-rejected} from the end (no group): only
 * answers to what this instance is waiting for matter, and a waiter registers before it publishes.
 */
@ApplicationScoped
public class WalletAnswers {

    private static final Logger LOG = Logger.getLogger(WalletAnswers.class);
    private static final List<Topic> TOPICS = List.of(Topic.BALANCES, Topic.USAGE_REJECTED);

    /** What the wallet did with one usage event. */
    public enum Answer { APPLIED, REJECTED }

    private final KafkaClientSettings settings;
    private final KafkaClientMeters clientMeters;
    private final MeterRegistry metrics;
    private final Map<String, CompletableFuture<Answer>> waiting = new ConcurrentHashMap<>();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    public WalletAnswers(KafkaClientSettings settings, MeterRegistry metrics, KafkaClientMeters clientMeters) {
        this.settings = settings;
        this.clientMeters = clientMeters;
        this.metrics = metrics;
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "wallet-answers");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /**
     * A future completed with the wallet's answer to {@code usageEventId}. Register before publishing the event,
     * and {@link #forget} it when no longer waiting.
     */
    public CompletableFuture<Answer> expect(String usageEventId) {
        return waiting.computeIfAbsent(usageEventId, id -> new CompletableFuture<>());
    }

    public void forget(String usageEventId) {
        waiting.remove(usageEventId);
    }

    /** Whether the consumer is positioned at the end of every partition, so no answer from now on is missed. */
    public boolean awaitPositioned(Duration timeout) throws InterruptedException {
        return positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(settings.consumer("media-wallet-answers", null));
                 var meters = clientMeters.bind(kafka, "media-wallet-answers")) {
                consumer = kafka;
                List<TopicPartition> partitions = new ArrayList<>();
                for (Topic topic : TOPICS) {
                    kafka.partitionsFor(topic.topicName()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
                kafka.assign(partitions);
                kafka.seekToEnd(partitions);
                partitions.forEach(kafka::position); // resolve the end now, not at the first poll
                positioned.countDown();
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : kafka.poll(Duration.ofMillis(500))) {
                        answer(record);
                    }
                }
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                // Broker away or topics missing at start: try again; waiters time out meanwhile.
                LOG.warnf("wallet answers consumer failed (%s); restarting in 2 s", e.getClass().getSimpleName());
                sleep();
            }
        }
    }

    private void answer(ConsumerRecord<String, byte[]> record) {
        Topic topic = Topic.byName(record.topic()).orElse(null);
        if (topic == null || waiting.isEmpty()) {
            return;
        }
        DecodeResult result = EventJson.decode(topic, record.value());
        if (!(result instanceof DecodeResult.Decoded)) {
            // Not parked: every instance reads every record here; the wallet owns these topics (docs/media.md).
            metrics.counter("media_wallet_answers_undecodable_total").increment();
        }
        if (result instanceof DecodeResult.Decoded decoded) {
            Event event = decoded.event();
            if (event instanceof UsageRejected rejected) {
                complete(rejected.usageEventId(), Answer.REJECTED);
            } else if (event instanceof WalletStateEvent state) {
                complete(state.causeEventId(), Answer.APPLIED);
            }
        }
    }

    private void complete(String usageEventId, Answer answer) {
        CompletableFuture<Answer> future = waiting.get(usageEventId);
        if (future != null) {
            future.complete(answer);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
