package net.secureconnect.relay.service;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import net.secureconnect.relay.repository.QueueStore;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** One authenticated device's live connection on this instance. */
public final class DeviceSession {

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

    /** What the relay remembers of a row it sent: enough for the sender's receipt. */
    record Sent(String envelopeId, String sender) {
    }

    public DeviceSession(WebSocketConnection connection, String account, int device) {
        this.connection = connection;
        this.account = account;
        this.device = device;
        this.destination = QueueStore.destination(account, device);
        this.connectedAt = connection.creationTime();
    }

    /** When the connection was opened: of two connections of one device, the later one wins. */
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

    /** Writes a frame and waits until it is handed to the socket; false when the connection is gone. */
    public boolean send(String frame) {
        if (!connection.isOpen()) {
            return false;
        }
        try {
            connection.sendTextAndAwait(frame);
            return true;
        } catch (RuntimeException e) {
            return false;
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
