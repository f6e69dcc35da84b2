package net.secureconnect.sdk.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The JSON frames of docs/protocol.md, both directions. */
public final class RelayFrames {

    static final ObjectMapper JSON = new ObjectMapper();

    private RelayFrames() {
    }

    /** One ciphertext for one device of the {@code send}'s recipient; {@code type} is the wire message's first byte. */
    public record OutgoingMessage(int deviceId, int type, byte[] body) {
    }

    /** A {@code deliver} frame. */
    public record Delivery(String ackId, String id, String from, int fromDevice, String messageType, byte[] body,
                           String sentAt, String kind) {
    }

    /** A {@code receipt} frame. */
    public record Receipt(String id, String to, int deviceId) {
    }

    public static String send(String id, String to, List<OutgoingMessage> messages) {
        return send(id, to, messages, null);
    }

    /**
     * A {@code send} frame; {@code self} (copies for this account's other devices, paid with the message) is left
     * out when null. An empty {@code self} still asks the relay to check that this account has no other devices.
     */
    public static String send(String id, String to, List<OutgoingMessage> messages, List<OutgoingMessage> self) {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("type", "send");
        frame.put("id", id);
        frame.put("to", to);
        messages(frame.putArray("messages"), messages);
        if (self != null) {
            messages(frame.putArray("self"), self);
        }
        return frame.toString();
    }

    private static void messages(ArrayNode list, List<OutgoingMessage> messages) {
        for (OutgoingMessage m : messages) {
            list.addObject().put("deviceId", m.deviceId()).put("type", m.type())
                    .put("body", Base64.getEncoder().encodeToString(m.body()));
        }
    }

    public static String ack(String ackId) {
        return JSON.createObjectNode().put("type", "ack").put("ackId", ackId).toString();
    }

    /** Parses a server frame; {@code null} for text that is not a JSON object. */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    public static Delivery delivery(JsonNode frame) {
        byte[] body;
        try {
            body = Base64.getDecoder().decode(frame.path("body").asText(""));
        } catch (IllegalArgumentException e) {
            body = new byte[0];
        }
        return new Delivery(frame.path("ackId").asText(), frame.path("id").asText(), frame.path("from").asText(),
                frame.path("fromDevice").asInt(), frame.path("messageType").asText(), body,
                frame.path("sentAt").asText(null), frame.path("kind").asText("message"));
    }

    public static Receipt receipt(JsonNode frame) {
        return new Receipt(frame.path("id").asText(), frame.path("to").asText(), frame.path("deviceId").asInt());
    }

    /** The typed exception for a {@code refused} frame. */
    public static RelayException refusal(JsonNode frame) {
        String code = frame.path("code").asText("UNKNOWN");
        String detail = "relay refused " + frame.path("id").asText("?") + ": " + code
                + (frame.hasNonNull("detail") ? " (" + frame.get("detail").asText() + ")" : "");
        return switch (code) {
            case "INSUFFICIENT_CREDITS" -> new RelayException.InsufficientCreditsException(detail);
            case "DEVICE_MISMATCH" -> new RelayException.DeviceMismatchException(detail,
                    frame.path("account").asText(null), ints(frame.path("devices")),
                    ints(frame.path("missingDevices")), ints(frame.path("extraDevices")));
            case "UNKNOWN_RECIPIENT" -> new RelayException.UnknownRecipientException(detail);
            case "RATE_LIMITED" -> new RelayException.RateLimitedException(detail);
            case "UNAVAILABLE" -> new RelayException.UnavailableException(code, detail,
                    frame.path("retryWithNewId").asBoolean(false));
            default -> new RelayException(code, detail);
        };
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> list = new ArrayList<>();
        for (JsonNode n : array) {
            list.add(n.asInt());
        }
        return list;
    }
}
