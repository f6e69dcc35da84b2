package net.secureconnect.bench.relay;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling: a bare Vert.x WebSocket forwarder speaking the relay's frames (docs/protocol.md) with nothing
 * else — no token verification (it only reads {@code sub} from the token), no storage, no billing, no Kafka.
 * A {@code send} is parsed, each message written as a {@code deliver} to the recipient device's socket, and
 * answered {@code accepted}; {@code ack}s are ignored. Run as its own process, like the relay.
 */
public final class BareForwarder {

    private BareForwarder() {
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Map<String, ServerWebSocket> sockets = new ConcurrentHashMap<>();
        AtomicLong sequence = new AtomicLong();
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
                        .setMaxWebSocketFrameSize(2_200_000).setMaxWebSocketMessageSize(2_200_000))
                .webSocketHandler(socket -> {
                    String device = socket.query() == null ? "1" : socket.query().replace("device=", "");
                    String account = subject(socket.headers().get("Authorization"));
                    String me = account + "#" + device;
                    sockets.put(me, socket);
                    socket.closeHandler(closed -> sockets.remove(me, socket));
                    socket.textMessageHandler(text -> {
                        JsonObject frame = new JsonObject(text);
                        if (!"send".equals(frame.getString("type"))) {
                            return;
                        }
                        String id = frame.getString("id");
                        String to = frame.getString("to");
                        JsonArray messages = frame.getJsonArray("messages");
                        for (int i = 0; i < messages.size(); i++) {
                            JsonObject message = messages.getJsonObject(i);
                            ServerWebSocket target = sockets.get(to + "#" + message.getInteger("deviceId"));
                            if (target != null) {
                                target.writeTextMessage(new JsonObject().put("type", "deliver")
                                        .put("ackId", Long.toString(sequence.incrementAndGet())).put("id", id)
                                        .put("from", account).put("fromDevice", Integer.parseInt(device))
                                        .put("messageType", message.getValue("type"))
                                        .put("body", message.getString("body")).encode());
                            }
                        }
                        socket.writeTextMessage(new JsonObject().put("type", "accepted").put("id", id).encode());
                    });
                })
                .listen().toCompletionStage().toCompletableFuture().join();
        System.out.println("bare forwarder listening on " + port);
    }

    private static String subject(String authorization) {
        String token = authorization.substring("Bearer ".length());
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return new JsonObject(payload).getString("sub");
    }
}
