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

    public Delivery(QueueStore store, Connections connections, RelayKafka kafka, Workers workers, RelayMetrics metrics,
                    EndedCalls endedCalls, RelayConfig config) {
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
        while (session.open() && session.unacknowledgedCount() < maxInFlight) {
            QueueStore.Page page = store.page(session.destination(), after, pageSize);
            waiting += page.rows().size();
            for (QueueStore.QueuedMessage row : page.rows()) {
                if (!session.markSent(row.ackId())) {
                    continue;
                }
                String frame = FrameCodec.deliver(row.ackId(), row.envelopeId(), row.sender(), row.senderDevice(),
                        row.typeJson(), row.body(), row.acceptedAt(), row.kind(), row.callId());
                if (!session.send(frame)) {
                    session.acknowledged(row.ackId());
                    return;
                }
                metrics.inFlight(1);
                metrics.delivered(Duration.between(row.acceptedAt(), Instant.now()));
            }
            if (page.next().isEmpty()) {
                break;
            }
            after = page.next();
        }
        if (!session.firstDrainDone) {
            session.firstDrainDone = true;
            metrics.queueDepthOnConnect(waiting);
        }
    }

    /** The device stored {@code ackId}: delete it from its own queue and tell the sender's devices. */
    public void ack(DeviceSession session, String ackId) {
        if (session.acknowledged(ackId)) {
            metrics.inFlight(-1);
        }
        // The key is the caller's own destination: a device can only ever delete its own queue's rows.
        store.delete(session.destination(), ackId).ifPresent(row -> {
            DeliveryNotice.Receipt receipt = new DeliveryNotice.Receipt(row.envelopeId(), session.account(), session.device());
            receiptLocally(row.sender(), receipt);
            publish(DeliveryNotice.receipt(instanceId, row.sender(), receipt));
        });
    }

    /** New envelopes for these devices of {@code account}: drain the local ones, tell the other instances. */
    public java.util.concurrent.CompletableFuture<Void> announce(String account, List<Integer> devices) {
        drainLocal(account, devices);
        return publish(DeliveryNotice.newEnvelopes(instanceId, account, devices));
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
                    .ifPresent(older -> older.close(Connections.REPLACED, "replaced by a newer connection of the same device")));
            return;
        }
        notice.receipt().ifPresentOrElse(receipt -> receiptLocally(notice.account(), receipt),
                () -> drainLocal(notice.account(), notice.devices()));
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
}
