package net.secureconnect.relay.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.AccountReinstated;
import net.secureconnect.contracts.AccountSuspended;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.UsageRejected;
import net.secureconnect.contracts.WalletStateEvent;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.repository.QueueStore;
import net.secureconnect.relay.service.Authorizations;
import net.secureconnect.relay.service.BalanceBook;
import net.secureconnect.relay.service.Connections;
import net.secureconnect.relay.service.Delivery;
import net.secureconnect.relay.service.DeviceDirectory;
import net.secureconnect.relay.service.DeviceSession;
import net.secureconnect.relay.service.RelayMetrics;
import net.secureconnect.relay.service.UsageOutbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One consumer thread per instance, assigned every partition of {@code accounts} and {@code balances} (read from
 * the beginning into memory), {@code usage-rejected} and {@code relay-deliveries} (from the end). No consumer
 * group: every instance must see every record. The instance is ready once it has caught up with the first two.
 * Records it cannot decode are skipped and counted (the wallet and identity own their dead letters).
 */
@ApplicationScoped
public class RelayStateConsumer {

    private static final Logger LOG = Logger.getLogger(RelayStateConsumer.class);

    private final RelayKafka kafka;
    private final DeviceDirectory directory;
    private final BalanceBook balances;
    private final Authorizations authorizations;
    private final Connections connections;
    private final Delivery delivery;
    private final UsageOutbox outbox;
    private final RelayMetrics metrics;
    private final String deliveriesTopic;
    private final QueueStore queues;
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean caughtUp;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public RelayStateConsumer(RelayKafka kafka, DeviceDirectory directory, BalanceBook balances,
                              Authorizations authorizations, Connections connections, Delivery delivery,
                              UsageOutbox outbox, RelayMetrics metrics, RelayConfig config, QueueStore queues) {
        this.kafka = kafka;
        this.directory = directory;
        this.balances = balances;
        this.authorizations = authorizations;
        this.connections = connections;
        this.delivery = delivery;
        this.outbox = outbox;
        this.metrics = metrics;
        this.deliveriesTopic = config.deliveriesTopic();
        this.queues = queues;
    }

    void start(@Observes StartupEvent startup) {
        thread = new Thread(this::run, "relay-state-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** True once the device lists and balances are read up to where they were when the instance started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public long skippedRecords() {
        return skipped.get();
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = kafka.consumer("relay-state-" + delivery.instanceId());
                 var meters = kafka.meters(c, "relay-state")) {
                consumer = c;
                consume(c);
            } catch (WakeupException e) {
                return;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("state consumer failed (%s); restarting in 1 s", e.toString());
                caughtUp = false;
                sleep();
            }
        }
    }

    private void consume(KafkaConsumer<String, byte[]> c) throws InterruptedException {
        List<TopicPartition> fromStart = partitions(c, List.of(Topic.ACCOUNTS.topicName(), Topic.BALANCES.topicName()));
        List<TopicPartition> fromEnd = partitions(c, List.of(Topic.USAGE_REJECTED.topicName(), deliveriesTopic));
        List<TopicPartition> all = new ArrayList<>(fromStart);
        all.addAll(fromEnd);
        c.assign(all);
        c.seekToBeginning(fromStart);
        c.seekToEnd(fromEnd);
        fromEnd.forEach(c::position); // resolve the end now, not at the first poll
        Map<TopicPartition, Long> ends = new HashMap<>(c.endOffsets(fromStart));
        boolean startedSweeper = caughtUp;
        while (running) {
            ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(200));
            for (ConsumerRecord<String, byte[]> record : records) {
                handle(record);
            }
            if (!caughtUp) {
                ends.entrySet().removeIf(end -> c.position(end.getKey()) >= end.getValue());
                if (ends.isEmpty()) {
                    caughtUp = true;
                    LOG.infof("caught up with accounts and balances; %d records skipped", skipped.get());
                }
            }
            if (caughtUp && !startedSweeper) {
                startedSweeper = true;
                outbox.start();
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, List<String> topics) throws InterruptedException {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            while (running && (infos == null || infos.isEmpty())) { // not provisioned yet
                Thread.sleep(500);
                infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            }
            if (infos != null) {
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
        }
        return partitions;
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return; // tombstone
        }
        if (record.topic().equals(deliveriesTopic)) {
            DeliveryNotice.fromBytes(record.value()).ifPresentOrElse(delivery::onNotice, skipped::incrementAndGet);
            return;
        }
        Topic topic = Topic.byName(record.topic()).orElseThrow();
        DecodeResult decoded = EventJson.decode(topic, record.value());
        if (!(decoded instanceof DecodeResult.Decoded ok)) {
            skipped.incrementAndGet();
            return;
        }
        Event event = ok.event();
        try {
            if (event instanceof WalletStateEvent state) {
                balances.apply(state);
                authorizations.confirmed(causeOf(state));
                if (state instanceof AccountSuspended || state instanceof AccountReinstated) {
                    metrics.enforced(Duration.between(Instant.ofEpochMilli(record.timestamp()), Instant.now()));
                }
            } else if (event instanceof UsageRejected rejected) {
                balances.apply(rejected);
                authorizations.rejected(rejected.usageEventId());
            } else {
                // The devices before the event: a deleted account's queues are dropped after it is forgotten.
                List<Integer> before = event instanceof AccountDeleted ? directory.devicesOf(event.accountId()) : List.of();
                Optional<Integer> removedDevice = directory.apply(event);
                removedDevice.ifPresent(removed -> connections.of(event.accountId(), removed)
                        .ifPresent(s -> s.close(Connections.UNKNOWN_DEVICE, "device removed")));
                if (event instanceof AccountDeleted) {
                    connections.of(event.accountId()).forEach(s -> s.close(Connections.UNKNOWN_DEVICE, "account deleted"));
                }
                // Ciphertext nobody can fetch any more (device ids are never reused) goes now, not at its TTL.
                removedDevice.ifPresent(device -> queues.dropQueue(QueueStore.destination(event.accountId(), device)));
                before.forEach(device -> queues.dropQueue(QueueStore.destination(event.accountId(), device)));
            }
        } catch (RuntimeException e) {
            skipped.incrementAndGet();
            LOG.warnf("record of %s skipped (%s)", record.topic(), e.getClass().getSimpleName());
        }
    }

    private static String causeOf(WalletStateEvent event) {
        if (event instanceof net.secureconnect.contracts.BalanceChanged changed) {
            return changed.causeEventId();
        } else if (event instanceof AccountSuspended suspended) {
            return suspended.causeEventId();
        }
        return ((AccountReinstated) event).causeEventId();
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
