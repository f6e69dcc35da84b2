package net.secureconnect.relay.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads client frames and writes server frames (JSON text, docs/protocol.md). Reading never throws anything
 * but {@link FrameException}; ciphertext bodies are decoded to bytes and never logged.
 */
public final class FrameCodec {

    /** Envelope and account ids: 1..128 visible ASCII characters, like event ids. */
    private static final Pattern ID = Pattern.compile("[\\x21-\\x7E]{1,128}");
    /** A ciphertext type given as a string: a short token. */
    private static final Pattern TYPE_TOKEN = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final Pattern ACK_ID = Pattern.compile("[0-9]{13}-[0-9a-f-]{36}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final int maxBodyBytes;
    private final int maxMessages;
    private final int maxFrameChars;

    public FrameCodec(int maxBodyBytes, int maxMessages) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxMessages = maxMessages;
        // base64 of every body at the limit, plus generous room for the JSON around them.
        this.maxFrameChars = maxMessages * ((maxBodyBytes + 2) / 3 * 4 + 256) + 4096;
    }

    public int maxFrameChars() {
        return maxFrameChars;
    }

    public ClientFrame read(String text) throws FrameException {
        if (text.length() > maxFrameChars) {
            throw new FrameException(FrameError.OVERSIZE, "frame longer than " + maxFrameChars + " characters", null);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new FrameException(FrameError.MALFORMED_FRAME, "not JSON", null);
        }
        if (root == null || !root.isObject()) {
            throw new FrameException(FrameError.MALFORMED_FRAME, "not a JSON object", null);
        }
        JsonNode idNode = root.get("id");
        String id = idNode != null && idNode.isTextual() && ID.matcher(idNode.asText()).matches() ? idNode.asText() : null;
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw new FrameException(FrameError.UNKNOWN_FRAME, "missing type", id);
        }
        return switch (type.asText()) {
            case "send" -> readSend(root, id);
            case "ack" -> readAck(root);
            default -> throw new FrameException(FrameError.UNKNOWN_FRAME, "unknown type", id);
        };
    }

    private ClientFrame.Send readSend(JsonNode root, String id) throws FrameException {
        if (id == null) {
            throw new FrameException(FrameError.INVALID_FRAME, "id must be 1..128 visible ASCII characters", null);
        }
        String to = text(root, "to", id);
        EnvelopeKind kind = EnvelopeKind.MESSAGE;
        JsonNode kindNode = root.get("kind");
        if (kindNode != null) {
            if (!kindNode.isTextual() || EnvelopeKind.byWireName(kindNode.asText()).isEmpty()) {
                throw new FrameException(FrameError.INVALID_FRAME,
                        "kind must be message, call-offer, call-answer, call-ice or call-hangup", id);
            }
            kind = EnvelopeKind.byWireName(kindNode.asText()).get();
        }
        String callId = kind.call() ? text(root, "callId", id) : null;
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new FrameException(FrameError.INVALID_FRAME, "messages must be a non-empty array", id);
        }
        JsonNode selfNode = root.get("self");
        if (selfNode != null && !selfNode.isArray()) {
            throw new FrameException(FrameError.INVALID_FRAME, "self must be an array", id);
        }
        if (selfNode != null && kind.call()) {
            throw new FrameException(FrameError.INVALID_FRAME, "self copies go only with a message", id);
        }
        // Copies count against the same limit: one envelope carries at most maxMessages ciphertexts in all.
        int total = messages.size() + (selfNode == null ? 0 : selfNode.size());
        if (total > maxMessages) {
            throw new FrameException(FrameError.OVERSIZE, "more than " + maxMessages + " messages and copies", id);
        }
        List<ClientFrame.DeviceMessage> read = deviceMessages(messages, id);
        List<ClientFrame.DeviceMessage> self = selfNode == null ? null : deviceMessages(selfNode, id);
        return new ClientFrame.Send(id, to, read, self, kind, callId);
    }

    /** One ciphertext per device, each device once. */
    private List<ClientFrame.DeviceMessage> deviceMessages(JsonNode messages, String id) throws FrameException {
        List<ClientFrame.DeviceMessage> read = new ArrayList<>(messages.size());
        Set<Integer> devices = new HashSet<>();
        for (JsonNode message : messages) {
            if (!message.isObject()) {
                throw new FrameException(FrameError.INVALID_FRAME, "a message must be an object", id);
            }
            JsonNode device = message.get("deviceId");
            if (device == null || !device.isIntegralNumber() || !device.canConvertToInt() || device.asInt() < 1) {
                throw new FrameException(FrameError.INVALID_FRAME, "deviceId must be a positive integer", id);
            }
            if (!devices.add(device.asInt())) {
                throw new FrameException(FrameError.INVALID_FRAME, "deviceId " + device.asInt() + " appears twice", id);
            }
            JsonNode type = message.get("type");
            String typeJson;
            if (type != null && type.isIntegralNumber() && type.canConvertToInt() && type.asInt() >= 0) {
                typeJson = Integer.toString(type.asInt());
            } else if (type != null && type.isTextual() && TYPE_TOKEN.matcher(type.asText()).matches()) {
                typeJson = type.toString();
            } else {
                throw new FrameException(FrameError.INVALID_FRAME, "type must be a non-negative integer or a short token", id);
            }
            JsonNode body = message.get("body");
            if (body == null || !body.isTextual() || body.asText().isEmpty()) {
                throw new FrameException(FrameError.INVALID_FRAME, "body must be non-empty base64", id);
            }
            if ((long) body.asText().length() * 3 / 4 > maxBodyBytes + 2L) {
                throw new FrameException(FrameError.OVERSIZE, "body larger than " + maxBodyBytes + " bytes", id);
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(body.asText());
            } catch (IllegalArgumentException e) {
                throw new FrameException(FrameError.INVALID_FRAME, "body is not base64", id);
            }
            if (bytes.length == 0) {
                throw new FrameException(FrameError.INVALID_FRAME, "body must be non-empty base64", id);
            }
            if (bytes.length > maxBodyBytes) {
                throw new FrameException(FrameError.OVERSIZE, "body larger than " + maxBodyBytes + " bytes", id);
            }
            read.add(new ClientFrame.DeviceMessage(device.asInt(), typeJson, bytes));
        }
        return List.copyOf(read);
    }

    private ClientFrame.Ack readAck(JsonNode root) throws FrameException {
        JsonNode ackId = root.get("ackId");
        if (ackId == null || !ackId.isTextual() || !ACK_ID.matcher(ackId.asText()).matches()) {
            throw new FrameException(FrameError.INVALID_FRAME, "ackId must be the ackId of a deliver frame", null);
        }
        return new ClientFrame.Ack(ackId.asText());
    }

    private static String text(JsonNode root, String field, String id) throws FrameException {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || !ID.matcher(node.asText()).matches()) {
            throw new FrameException(FrameError.INVALID_FRAME, field + " must be 1..128 visible ASCII characters", id);
        }
        return node.asText();
    }

    // ---- server frames ----

    public static String accepted(String id, boolean duplicate) {
        ObjectNode frame = NODES.objectNode().put("type", "accepted").put("id", id);
        if (duplicate) {
            frame.put("duplicate", true);
        }
        return frame.toString();
    }

    public static String refused(String id, RefusalCode code, String detail) {
        return NODES.objectNode().put("type", "refused").put("id", id).put("code", code.name())
                .put("detail", detail).toString();
    }

    /** A refusal after which a resend must use a new envelope id (its usage event id is spent at the wallet). */
    public static String refusedUseNewId(String id, RefusalCode code, String detail) {
        return NODES.objectNode().put("type", "refused").put("id", id).put("code", code.name())
                .put("detail", detail).put("retryWithNewId", true).toString();
    }

    /**
     * The fan-out for {@code account} (the recipient's {@code messages}, or the sender's own {@code self} copies) did
     * not name exactly its current devices.
     */
    public static String deviceMismatch(String id, String account, Collection<Integer> devices,
                                        Collection<Integer> missing, Collection<Integer> extra) {
        ObjectNode frame = NODES.objectNode().put("type", "refused").put("id", id)
                .put("code", RefusalCode.DEVICE_MISMATCH.name())
                .put("detail", "the envelope must carry one message per device of " + account)
                .put("account", account);
        ints(frame.putArray("devices"), devices);
        ints(frame.putArray("missingDevices"), missing);
        ints(frame.putArray("extraDevices"), extra);
        return frame.toString();
    }

    public static String error(FrameError code, String detail, String id) {
        ObjectNode frame = NODES.objectNode().put("type", "error").put("code", code.name()).put("detail", detail);
        if (id != null) {
            frame.put("id", id);
        }
        return frame.toString();
    }

    /** A queued envelope for this device. {@code typeJson} is the stored JSON token of the ciphertext type. */
    public static String deliver(String ackId, String envelopeId, String from, int fromDevice, String typeJson,
                                 byte[] body, Instant sentAt, EnvelopeKind kind, String callId) {
        ObjectNode frame = NODES.objectNode().put("type", "deliver").put("ackId", ackId).put("id", envelopeId)
                .put("from", from).put("fromDevice", fromDevice);
        if (kind.call()) {
            frame.put("kind", kind.wireName()).put("callId", callId);
        }
        try {
            frame.set("messageType", JSON.readTree(typeJson));
        } catch (JsonProcessingException e) {
            frame.put("messageType", typeJson);
        }
        frame.put("body", Base64.getEncoder().encodeToString(body)).put("sentAt", sentAt.toString());
        return frame.toString();
    }

    /** The recipient's device {@code deviceId} acknowledged the envelope {@code envelopeId}. */
    public static String receipt(String envelopeId, String to, int deviceId) {
        return NODES.objectNode().put("type", "receipt").put("id", envelopeId).put("to", to)
                .put("deviceId", deviceId).toString();
    }

    /**
     * The call ended for both parties; later signalling for it is refused. A call is named by its caller and the
     * caller's call id (call ids are scoped to their caller).
     */
    public static String callEnded(String callId, String caller, String reason) {
        return NODES.objectNode().put("type", "call-ended").put("callId", callId).put("caller", caller)
                .put("reason", reason).toString();
    }

    /**
     * TURN credentials for an answered call (coturn REST API scheme), valid for the paid period plus a margin:
     * sent at answer and again after each paid minute.
     */
    public static String callTurn(String callId, String caller, String username, String credential, long ttlSeconds,
                                  List<String> urls) {
        ObjectNode frame = NODES.objectNode().put("type", "call-turn").put("callId", callId).put("caller", caller)
                .put("username", username).put("credential", credential).put("ttl", ttlSeconds);
        urls.forEach(frame.putArray("urls")::add);
        return frame.toString();
    }

    private static void ints(ArrayNode array, Collection<Integer> values) {
        values.stream().sorted().forEach(array::add);
    }
}
