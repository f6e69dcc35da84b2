package net.secureconnect.relay.service;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import net.secureconnect.relay.repository.QueueStore;
import net.secureconnect.relay.websocket.ConnectionArrival;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** One authenticated device's live connection on this instance. */
public final class DeviceSession {

    /**
     * Close code for a connection that does not read its frames: more than the outbound limit was waiting to be
     * written to its socket. Nothing is lost: unacknowledged envelopes are delivered again on the next connection.
     */
    public static final int TOO_SLOW = 4008;

    private final WebSocketConnection connection;
    private final String account;
    private final int device;
    private final String destination;
    private final java.time.Instant connectedAt;
    /** Queue rows sent on this connection and not acknowledged yet (ack id → what a receipt needs): not sent again. */
    private final Map<String, Sent> unacknowledged = new ConcurrentHashMap<>();
    /** Acknowledged rows whose delete is not written yet: still in the table, so drains must skip them. */
    private final Set<String> deleting = ConcurrentHashMap.newKeySet();
    /** Drain requests since the running drain started (0 = idle). */
    final AtomicInteger drainRequests = new AtomicInteger();
    volatile boolean firstDrainDone;
    /** The last drain stopped at the in-flight limit: the queue may hold rows not sent yet. */
    volatile boolean backlog;
    /** Characters of frames handed to the connection and not written to its socket yet (what this connection holds). */
    private final AtomicLong outbound = new AtomicLong();
    private final long maxOutbound;
    private final AtomicBoolean tooSlow = new AtomicBoolean();
    private final RelayMetrics metrics;
    /** Sends of this connection waiting for their answer (envelope id → how many): each is answered once. */
    private final Map<String, Integer> awaitingAnswer = new ConcurrentHashMap<>();
    private final AtomicInteger awaiting = new AtomicInteger();
    private volatile TokenBucket frames;
    private volatile TokenBucket chars;
    private volatile TokenBucket errors;

    /** What the relay remembers of a row it sent: enough for the sender's receipt. */
    record Sent(String envelopeId, String sender) {
    }

    public DeviceSession(WebSocketConnection connection, String account, int device, long maxOutbound,
                         RelayMetrics metrics) {
        this.connection = connection;
        this.maxOutbound = maxOutbound;
        this.metrics = metrics;
        this.account = account;
        this.device = device;
        this.destination = QueueStore.destination(account, device);
        Long arrived = connection.userData().get(ConnectionArrival.ARRIVED);
        this.connectedAt = arrived == null ? connection.creationTime()
                : ConnectionArrival.arrivedAt(arrived);
    }

    /**
     * When the upgrade request of the connection arrived (see ConnectionArrival; not the connection object's
     * creation, which may come after a newer request's): of two connections of one device, the later one wins.
     */
    public java.time.Instant connectedAt() {
        return connectedAt;
    }

    /** True if this connection is newer than one opened at {@code at} with id {@code connectionId}. */
    public boolean newerThan(java.time.Instant at, String connectionId) {
        int order = connectedAt.compareTo(at);
        return order > 0 || (order == 0 && connectionId().compareTo(connectionId) > 0);
    }

    public String account() {
        return account;
    }

    public int device() {
        return device;
    }

    public String destination() {
        return destination;
    }

    public String connectionId() {
        return connection.id();
    }

    public boolean open() {
        return connection.isOpen();
    }

    /**
     * Queues a frame for the socket without waiting (no thread is ever parked on one device's socket); false when
     * the connection is gone or too slow. A connection whose frames not yet written would exceed the outbound limit
     * is closed with {@link #TOO_SLOW}: back-pressure that costs other devices nothing and bounds this one's memory.
     */
    public boolean send(String frame) {
        if (!connection.isOpen() || tooSlow.get()) {
            return false;
        }
        long size = frame.length();
        long waiting = outbound.addAndGet(size);
        if (waiting > maxOutbound) {
            outbound.addAndGet(-size);
            tooSlow();
            return false;
        }
        metrics.outboundQueued(waiting);
        try {
            connection.sendText(frame).subscribe().with(ok -> outbound.addAndGet(-size),
                    failure -> outbound.addAndGet(-size));
            return true;
        } catch (RuntimeException e) {
            outbound.addAndGet(-size);
            return false;
        }
    }

    /** Sets this connection's budgets for frames and characters read, and for frames it gets wrong. */
    public void limits(double framesPerSecond, double charsPerSecond, double errorsPerSecond) {
        this.frames = new TokenBucket(framesPerSecond, 2 * framesPerSecond);
        this.chars = new TokenBucket(charsPerSecond, 2 * charsPerSecond);
        this.errors = new TokenBucket(errorsPerSecond, 30 * errorsPerSecond);
    }

    /** Takes one frame of {@code length} characters from the budget, before it is parsed; false = over it. */
    public boolean frameAllowed(int length) {
        return frames == null || (frames.tryTake(1) && chars.tryTake(length));
    }

    /** Takes one mistake (error frame, unknown ack) from the budget; false = over it, close the connection. */
    public boolean errorAllowed() {
        return errors == null || errors.tryTake(1);
    }

    /** Registers a send that will be answered; false when {@code max} sends wait for an answer already. */
    public boolean expectAnswer(String id, int max) {
        if (awaiting.incrementAndGet() > max) {
            awaiting.decrementAndGet();
            return false;
        }
        awaitingAnswer.merge(id, 1, Integer::sum);
        return true;
    }

    /** Sends the answer to send {@code id} unless it was answered already (e.g. by the answer timeout). */
    public boolean answer(String id, String frame) {
        boolean[] due = new boolean[1];
        awaitingAnswer.computeIfPresent(id, (key, count) -> {
            due[0] = true;
            return count > 1 ? count - 1 : null;
        });
        if (!due[0]) {
            return false;
        }
        awaiting.decrementAndGet();
        return send(frame);
    }

    /** Characters handed to the connection and not written to its socket yet. */
    public long outboundChars() {
        return outbound.get();
    }

    private void tooSlow() {
        if (tooSlow.compareAndSet(false, true)) {
            metrics.closedTooSlow();
            // The close frame waits behind the unread ones; the server drops the TCP connection if the closing
            // handshake does not finish in time (Vert.x's WebSocket closing timeout).
            close(TOO_SLOW, "too slow: frames not read");
        }
    }

    public void close(int code, String reason) {
        if (connection.isOpen()) {
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> { }, failure -> { });
        }
    }

    /** True if the row was not sent on this connection yet (and is not being deleted): the caller sends it. */
    boolean markSent(String ackId, String envelopeId, String sender) {
        return !deleting.contains(ackId) && unacknowledged.putIfAbsent(ackId, new Sent(envelopeId, sender)) == null;
    }

    /** The row sent on this connection under {@code ackId}, now acknowledged; its delete is pending. */
    java.util.Optional<Sent> acknowledged(String ackId) {
        Sent sent = unacknowledged.remove(ackId);
        if (sent != null) {
            deleting.add(ackId);
        }
        return java.util.Optional.ofNullable(sent);
    }

    /** A row that could not be sent after all: it may be sent again. */
    void unsent(String ackId) {
        unacknowledged.remove(ackId);
    }

    boolean deleting(String ackId) {
        return deleting.contains(ackId);
    }

    void deleted(String ackId) {
        deleting.remove(ackId);
    }

    int unacknowledgedCount() {
        return unacknowledged.size();
    }
}
