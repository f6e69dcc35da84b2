package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.messaging.DeliveryNotice;
import net.secureconnect.relay.messaging.RelayKafka;
import net.secureconnect.relay.protocol.FrameCodec;
import net.secureconnect.relay.repository.QueueStore;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Pushes queued envelopes to connected devices, oldest first, and removes them on ack. A drain reads the
 * device's queue; it runs on connect and whenever a notice (local or from another instance through
 * {@code relay-deliveries}) says the device has something new — the database is never polled.
 */
@ApplicationScoped
public class Delivery {

    private static final Logger LOG = Logger.getLogger(Delivery.class);
    /** How long a delete of an acked row waits for others to share its request. */
    private static final Duration BATCH_LINGER = Duration.ofMillis(50);

    /** This instance's id in notices, so it skips the ones it published (it acted on them already). */
    private final String instanceId = UUID.randomUUID().toString();
    private final QueueStore store;
    private final Connections connections;
    private final RelayKafka kafka;
    private final Workers workers;
    private final RelayMetrics metrics;
    private final EndedCalls endedCalls;
    private final String topic;
    private final int pageSize;
    private final int maxInFlight;

    private final BackgroundBatches<PendingDelete> deletes;

    public Delivery(QueueStore store, Connections connections, RelayKafka kafka, Workers workers, RelayMetrics metrics,
                    EndedCalls endedCalls, RelayConfig config) {
        this.deletes = new BackgroundBatches<>("relay-queue-deleter", QueueStore.MAX_BATCH_WRITE_ITEMS,
                BATCH_LINGER, this::deleteAll, this::deleteOne);
        this.endedCalls = endedCalls;
        this.store = store;
        this.connections = connections;
        this.kafka = kafka;
        this.workers = workers;
        this.metrics = metrics;
        this.topic = config.deliveriesTopic();
        this.pageSize = config.queue().pageSize();
        this.maxInFlight = config.queue().maxInFlight();
    }

    public String instanceId() {
        return instanceId;
    }

    /** Asks for a drain of the session's queue; drains of one session never overlap, requests coalesce. */
    public void drain(DeviceSession session) {
        if (session.drainRequests.getAndIncrement() == 0) {
            workers.execute(() -> run(session));
        }
    }

    private void run(DeviceSession session) {
        while (true) {
            int seen = session.drainRequests.get();
            try {
                drainOnce(session);
            } catch (RuntimeException e) {
                LOG.warnf("drain of a device queue failed (%s); it is retried on the next notice or reconnect",
                        e.getClass().getSimpleName());
            }
            if (session.drainRequests.compareAndSet(seen, 0)) {
                return;
            }
        }
    }

    private void drainOnce(DeviceSession session) {
        Optional<String> after = Optional.empty();
        int waiting = 0;
        boolean more = true;
        while (session.open() && session.unacknowledgedCount() < maxInFlight) {
            QueueStore.Page page = store.page(session.destination(), after, pageSize);
            waiting += page.rows().size();
            for (QueueStore.QueuedMessage row : page.rows()) {
                if (!deliverRow(session, row)) {
                    return;
                }
            }
            if (page.next().isEmpty()) {
                more = false;
                break;
            }
            after = page.next();
        }
        session.backlog = more;
        if (!session.firstDrainDone) {
            session.firstDrainDone = true;
            metrics.queueDepthOnConnect(waiting);
        }
    }

    /** Sends one queued row unless it was sent on this connection already; false when the connection is gone. */
    private boolean deliverRow(DeviceSession session, QueueStore.QueuedMessage row) {
        if (!session.markSent(row.ackId(), row.envelopeId(), row.sender())) {
            return true;
        }
        String frame = FrameCodec.deliver(row.ackId(), row.envelopeId(), row.sender(), row.senderDevice(),
                row.typeJson(), row.body(), row.acceptedAt(), row.kind(), row.callId());
        if (!session.send(frame)) {
            session.unsent(row.ackId());
            return false;
        }
        metrics.inFlight(1);
        metrics.delivered(Duration.between(row.acceptedAt(), Instant.now()));
        return true;
    }

    /**
     * The device stored {@code ackId}: its row is deleted (in the background, batched with others: the device
     * has it, and until the delete is written this connection does not send it again) and the sender's devices
     * get a receipt.
     */
    public boolean ack(DeviceSession session, String ackId) {
        if (session.deleting(ackId)) {
            return true; // a repeated ack
        }
        Optional<DeviceSession.Sent> sent = session.acknowledged(ackId);
        if (sent.isPresent()) {
            metrics.inFlight(-1);
            deletes.add(new PendingDelete(session, ackId));
            receipt(sent.get().sender(), new DeliveryNotice.Receipt(sent.get().envelopeId(), session.account(),
                    session.device()));
            if (session.backlog) {
                drain(session);
            }
            return true;
        }
        // Not sent on this connection: ignored, no read or delete of the store (an ack flood must cost nothing).
        // A row delivered on an earlier connection is delivered again on this one and acked then.
        return false;
    }

    private void receipt(String sender, DeliveryNotice.Receipt receipt) {
        receiptLocally(sender, receipt);
        publish(DeliveryNotice.receipt(instanceId, sender, receipt));
    }

    /** An acknowledged row of {@code session}'s queue, waiting for its delete. */
    private record PendingDelete(DeviceSession session, String ackId) {
    }

    private void deleteAll(List<PendingDelete> batch) {
        store.delete(batch.stream().map(d -> new QueueStore.RowKey(d.session().destination(), d.ackId())).toList());
        batch.forEach(d -> d.session().deleted(d.ackId()));
    }

    private void deleteOne(PendingDelete pending) {
        try {
            store.delete(pending.session().destination(), pending.ackId());
        } finally {
            // Deleted, or still there and sent again on the next drain: the device drops the duplicate.
            pending.session().deleted(pending.ackId());
        }
    }

    /**
     * New envelopes, one row per device of {@code account}: a device connected here that is caught up gets its
     * row straight from memory (no read of its queue), one with a drain running or rows left behind gets a
     * drain. Devices not connected here are told through a notice to every instance; the future completes when
     * Kafka acknowledged it (at once when every device is connected here: a device has one live connection).
     */
    public java.util.concurrent.CompletableFuture<Void> announce(String account, List<QueueStore.QueuedMessage> rows) {
        List<Integer> elsewhere = new java.util.ArrayList<>(rows.size());
        for (QueueStore.QueuedMessage row : rows) {
            Optional<DeviceSession> here = connections.of(account, row.device()).filter(DeviceSession::open);
            if (here.isEmpty()) {
                elsewhere.add(row.device());
                continue;
            }
            DeviceSession session = here.get();
            if (session.firstDrainDone && !session.backlog && session.drainRequests.get() == 0
                    && session.unacknowledgedCount() < maxInFlight) {
                if (!deliverRow(session, row)) {
                    elsewhere.add(row.device()); // closed meanwhile: perhaps replaced by a connection elsewhere
                }
            } else {
                drain(session);
            }
        }
        return elsewhere.isEmpty() ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : publish(DeliveryNotice.newEnvelopes(instanceId, account, elsewhere));
    }

    /** A device connected here: its connections on other instances are closed (one live connection per device). */
    public void announceConnected(DeviceSession session) {
        publish(DeliveryNotice.connected(instanceId, session.account(), session.device(), session.connectedAt(),
                session.connectionId()));
    }

    /**
     * Pushes a server frame to every connected device of {@code account}, here and on the other instances; with
     * {@code endedCall}, every instance marks that call ended first.
     */
    public void push(String account, String frame, Optional<String> endedCall) {
        endedCall.ifPresent(endedCalls::end);
        pushLocally(account, frame);
        publish(DeliveryNotice.push(instanceId, account, frame, endedCall));
    }

    private void pushLocally(String account, String frame) {
        List<DeviceSession> sessions = connections.of(account);
        if (!sessions.isEmpty()) {
            workers.execute(() -> sessions.forEach(s -> s.send(frame)));
        }
    }

    /** Acts on a notice read from {@code relay-deliveries}. */
    public void onNotice(DeliveryNotice notice) {
        if (instanceId.equals(notice.origin())) {
            return;
        }
        notice.endedCall().ifPresent(endedCalls::end);
        if (notice.push().isPresent()) {
            pushLocally(notice.account(), notice.push().get());
            return;
        }
        if (notice.connected().isPresent()) {
            java.time.Instant at;
            String id;
            try {
                at = notice.connectedAt();
                id = notice.connectionId();
            } catch (RuntimeException e) {
                return;
            }
            // Only an older local connection gives way (clocks of instances are assumed NTP-synchronised).
            notice.devices().forEach(device -> connections.of(notice.account(), device)
                    .filter(session -> !session.newerThan(at, id) && !session.connectionId().equals(id))
                    .ifPresent(this::replacedElsewhere));
            return;
        }
        notice.receipt().ifPresentOrElse(receipt -> receiptLocally(notice.account(), receipt),
                () -> drainLocal(notice.account(), notice.devices()));
    }

    /**
     * A newer connection of the device opened on another instance. Rows this one delivered without a notice
     * (the device was connected here) and that were not acked yet get a notice now, so the new connection
     * receives them even if it drained its queue before they were stored.
     */
    private void replacedElsewhere(DeviceSession older) {
        boolean unacknowledged = older.unacknowledgedCount() > 0;
        older.close(Connections.REPLACED, "replaced by a newer connection of the same device");
        if (unacknowledged) {
            publish(DeliveryNotice.newEnvelopes(instanceId, older.account(), List.of(older.device())));
        }
    }

    private void drainLocal(String account, List<Integer> devices) {
        for (DeviceSession session : connections.of(account)) {
            if (devices.contains(session.device())) {
                drain(session);
            }
        }
    }

    private void receiptLocally(String sender, DeliveryNotice.Receipt receipt) {
        List<DeviceSession> sessions = connections.of(sender);
        if (sessions.isEmpty()) {
            return;
        }
        String frame = FrameCodec.receipt(receipt.envelopeId(), receipt.to(), receipt.deviceId());
        workers.execute(() -> sessions.forEach(s -> s.send(frame)));
    }

    private java.util.concurrent.CompletableFuture<Void> publish(DeliveryNotice notice) {
        return kafka.send(topic, notice.account(), notice.toBytes());
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        deletes.stop(); // rows whose delete is dropped are delivered again; devices drop duplicates by envelope id
    }
}
