package net.secureconnect.relay.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A record of the relay-internal {@code relay-deliveries} topic, keyed by {@code account}. One of: "these devices
 * of the account have new envelopes in their queues"; "deliver this receipt to the account's devices"; "this
 * device just connected here" (other instances close their older connection of it); "push this server frame to
 * the account's devices" (call-ended, call-turn), possibly marking a call ended on every instance. It never
 * carries ciphertext: the instance holding the connection reads the queue.
 *
 * @param origin    the instance that published it (it has already acted locally)
 * @param connected the id of a new connection of {@code devices.get(0)} and when it was opened
 *                  ({@code <epoch nanos>:<id>}), for a connect notice
 * @param push      a server frame for every connected device of the account
 * @param endedCall a call every instance must now consider ended
 */
public record DeliveryNotice(String origin, String account, List<Integer> devices, Optional<Receipt> receipt,
                             Optional<String> connected, Optional<String> push, Optional<String> endedCall) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The recipient's device {@code deviceId} acknowledged envelope {@code envelopeId} sent to {@code to}. */
    public record Receipt(String envelopeId, String to, int deviceId) {
    }

    public static DeliveryNotice newEnvelopes(String origin, String account, List<Integer> devices) {
        return new DeliveryNotice(origin, account, devices, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static DeliveryNotice receipt(String origin, String account, Receipt receipt) {
        return new DeliveryNotice(origin, account, List.of(), Optional.of(receipt), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static DeliveryNotice connected(String origin, String account, int device, java.time.Instant at,
                                           String connectionId) {
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        return new DeliveryNotice(origin, account, List.of(device), Optional.empty(),
                Optional.of(nanos + ":" + connectionId), Optional.empty(), Optional.empty());
    }

    /** When the connection of a connect notice was opened. */
    public java.time.Instant connectedAt() {
        long nanos = Long.parseLong(connected.orElseThrow().substring(0, connected.get().indexOf(':')));
        return java.time.Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /** The connection id of a connect notice. */
    public String connectionId() {
        return connected.orElseThrow().substring(connected.get().indexOf(':') + 1);
    }

    public static DeliveryNotice push(String origin, String account, String frame, Optional<String> endedCall) {
        return new DeliveryNotice(origin, account, List.of(), Optional.empty(), Optional.empty(), Optional.of(frame), endedCall);
    }

    public byte[] toBytes() {
        ObjectNode node = JSON.createObjectNode().put("origin", origin).put("account", account);
        devices.forEach(node.putArray("devices")::add);
        receipt.ifPresent(r -> node.putObject("receipt").put("id", r.envelopeId()).put("to", r.to())
                .put("deviceId", r.deviceId()));
        connected.ifPresent(id -> node.put("connected", id));
        push.ifPresent(frame -> node.put("push", frame));
        endedCall.ifPresent(id -> node.put("endedCall", id));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Empty for a record the relay cannot read (it is skipped: notices are hints, queues are the truth). */
    public static Optional<DeliveryNotice> fromBytes(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            List<Integer> devices = new ArrayList<>();
            node.path("devices").forEach(d -> devices.add(d.asInt()));
            JsonNode r = node.get("receipt");
            Optional<Receipt> receipt = r == null ? Optional.empty()
                    : Optional.of(new Receipt(r.get("id").asText(), r.get("to").asText(), r.get("deviceId").asInt()));
            return Optional.of(new DeliveryNotice(node.get("origin").asText(), node.get("account").asText(), devices,
                    receipt, text(node, "connected"), text(node, "push"), text(node, "endedCall")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }
}
