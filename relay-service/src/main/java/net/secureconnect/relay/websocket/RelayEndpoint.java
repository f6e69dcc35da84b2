package net.secureconnect.relay.websocket;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.protocol.ClientFrame;
import net.secureconnect.relay.protocol.FrameCodec;
import net.secureconnect.relay.protocol.FrameError;
import net.secureconnect.relay.protocol.FrameException;
import net.secureconnect.relay.service.Connections;
import net.secureconnect.relay.service.Delivery;
import net.secureconnect.relay.service.DeviceDirectory;
import net.secureconnect.relay.service.DeviceSession;
import net.secureconnect.relay.service.EnvelopeRouter;
import net.secureconnect.relay.service.RateLimiter;
import net.secureconnect.relay.protocol.RefusalCode;
import net.secureconnect.relay.service.RelayMetrics;
import net.secureconnect.relay.service.Workers;
import net.secureconnect.runtime.security.Roles;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/relay?device=<id>} upgraded to a WebSocket, authenticated by a bearer token (Authorization header,
 * or the {@code quarkus-http-upgrade#Authorization#Bearer <token>} subprotocol that browsers use). The account is
 * the token's subject; the device must be one of the account's devices. Frames: docs/protocol.md.
 * The upgrade itself is refused (HTTP 401 without a valid token, 403 without role {@code user} or for a
 * token of a client outside the user-facing allow-list, {@link UserClientUpgradeCheck}), so a service
 * account never gets a connection.
 */
@WebSocket(path = "/v1/relay")
@RolesAllowed(Roles.USER)
public class RelayEndpoint {

    private static final Pattern DEVICE = Pattern.compile("(?:^|&)device=([0-9]{1,9})(?:&|$)");

    @Inject
    SecurityIdentity identity;
    @Inject
    DeviceDirectory directory;
    @Inject
    Connections connections;
    @Inject
    EnvelopeRouter router;
    @Inject
    Delivery delivery;
    @Inject
    Workers workers;
    @Inject
    RelayMetrics metrics;
    @Inject
    RelayConfig config;
    @Inject
    RateLimiter limiter;

    private FrameCodec codec;

    private FrameCodec codec() {
        if (codec == null) {
            codec = new FrameCodec(config.envelope().maxBodyBytes(), config.envelope().maxMessages());
        }
        return codec;
    }

    @OnOpen
    void open(WebSocketConnection connection) {
        String account = ((JsonWebToken) identity.getPrincipal()).getSubject();
        Optional<Integer> device = device(connection.handshakeRequest().query());
        if (account == null || device.isEmpty() || !directory.hasDevice(account, device.get())) {
            connection.close(new CloseReason(Connections.UNKNOWN_DEVICE,
                    "query parameter device must name one of the account's devices")).subscribe().with(ok -> { }, e -> { });
            return;
        }
        if (!limiter.tryConnect(account, device.get())) {
            // Before anything is published or read: a reconnect loop costs one check, not a notice and a drain.
            metrics.reconnectRefused();
            connection.close(new CloseReason(Connections.TOO_MANY,
                    "reconnecting too often; wait before connecting again")).subscribe().with(ok -> { }, e -> { });
            return;
        }
        RelayConfig.Connection limits = config.connection();
        DeviceSession session = new DeviceSession(connection, account, device.get(), limits.maxOutbound(), metrics);
        session.limits(limits.framesPerSecond(), limits.charsPerSecond(), limits.errorsPerSecond());
        metrics.connected();
        Optional<DeviceSession> older = connections.register(session);
        older.ifPresent(o -> o.close(Connections.REPLACED, "replaced by a newer connection of the same device"));
        if (older.isPresent() && older.get() == session) {
            return; // a newer connection of this device was opened meanwhile
        }
        delivery.announceConnected(session);
        delivery.drain(session);
    }

    @OnTextMessage
    void text(String frame, WebSocketConnection connection) {
        Optional<DeviceSession> found = connections.byConnection(connection.id());
        if (found.isEmpty()) {
            return; // closing: replaced or refused
        }
        DeviceSession session = found.get();
        if (!session.frameAllowed(frame.length())) {
            // Counted before any parsing: a flood of (large, malformed) frames costs no JSON work.
            metrics.frameLimited();
            error(session, FrameError.RATE_LIMITED, "too many frames or characters per second; slow down", null);
            return;
        }
        ClientFrame read;
        try {
            read = codec().read(frame);
        } catch (FrameException e) {
            metrics.frameRejected(e.code());
            error(session, e.code(), e.getMessage(), e.id());
            return;
        }
        if (read instanceof ClientFrame.Send send) {
            send(session, send);
        } else if (read instanceof ClientFrame.Ack ack) {
            // Dropped when the workers are saturated: the row stays queued and is delivered again.
            workers.tryExecute(() -> {
                if (!delivery.ack(session, ack.ackId()) && !session.errorAllowed()) {
                    tooManyErrors(session);
                }
            });
        }
    }

    /**
     * Every send is answered once, within the answer timeout: refused at once when the connection or the relay
     * has too much waiting, else by the router, else by the timeout (UNAVAILABLE, retry with the same id).
     */
    private void send(DeviceSession session, ClientFrame.Send send) {
        String id = send.id();
        RelayConfig.Connection limits = config.connection();
        if (!session.expectAnswer(id, limits.maxPendingSends())) {
            metrics.refused(RefusalCode.RATE_LIMITED);
            session.send(FrameCodec.refused(id, RefusalCode.RATE_LIMITED,
                    "too many sends waiting for an answer; wait for them, then resend with the same id"));
            return;
        }
        if (!workers.tryExecute(() -> router.send(session, send))) {
            metrics.refused(RefusalCode.UNAVAILABLE);
            session.answer(id, FrameCodec.refused(id, RefusalCode.UNAVAILABLE, "the relay is busy; retry with the same id"));
            return;
        }
        workers.schedule(limits.answerTimeout(), () -> {
            if (session.answer(id, FrameCodec.refused(id, RefusalCode.UNAVAILABLE,
                    "no answer in time (a dependency is slow or down); retry with the same id"))) {
                metrics.refused(RefusalCode.UNAVAILABLE);
            }
        });
    }

    /** An error frame, as long as the connection's budget of mistakes lasts; then the connection is closed. */
    private void error(DeviceSession session, FrameError code, String detail, String id) {
        if (!session.errorAllowed()) {
            tooManyErrors(session);
            return;
        }
        session.send(FrameCodec.error(code, detail, id));
    }

    private void tooManyErrors(DeviceSession session) {
        if (session.open()) {
            metrics.closedTooManyErrors();
            session.close(Connections.TOO_MANY, "too many invalid frames");
        }
    }

    @OnBinaryMessage
    void binary(Buffer frame, WebSocketConnection connection) {
        connections.byConnection(connection.id()).ifPresent(session -> {
            metrics.frameRejected(FrameError.BINARY_FRAME);
            error(session, FrameError.BINARY_FRAME, "the protocol uses text frames only", null);
        });
    }

    @OnClose
    void close(WebSocketConnection connection) {
        if (connections.unregister(connection.id())) {
            metrics.disconnected();
        }
    }

    static Optional<Integer> device(String query) {
        if (query == null) {
            return Optional.empty();
        }
        Matcher matcher = DEVICE.matcher(query);
        return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    }
}
