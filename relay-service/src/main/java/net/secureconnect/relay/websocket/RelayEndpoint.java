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
        DeviceSession session = new DeviceSession(connection, account, device.get());
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
        ClientFrame read;
        try {
            read = codec().read(frame);
        } catch (FrameException e) {
            metrics.frameRejected(e.code());
            session.send(FrameCodec.error(e.code(), e.getMessage(), e.id()));
            return;
        }
        if (read instanceof ClientFrame.Send send) {
            workers.execute(() -> router.send(session, send));
        } else if (read instanceof ClientFrame.Ack ack) {
            workers.execute(() -> delivery.ack(session, ack.ackId()));
        }
    }

    @OnBinaryMessage
    void binary(Buffer frame, WebSocketConnection connection) {
        connections.byConnection(connection.id()).ifPresent(session -> {
            metrics.frameRejected(FrameError.BINARY_FRAME);
            session.send(FrameCodec.error(FrameError.BINARY_FRAME, "the protocol uses text frames only", null));
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
