package net.secureconnect.sdk.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.attachment.AttachmentPointer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The plaintext of a ratchet message: UTF-8 JSON {@code {"v":1,"sentAt":ms,"text":"…","attachments":[…]}},
 * padded to a multiple of 160 bytes (docs/protocol-crypto.md §5.3). Attachment pointers carry the key, size and digest of each blob.
 * A session-reset request (§5.4) is content with {@code "sessionReset": [device ids]} and nothing else shown.
 */
public record MessageContent(long sentAtMillis, String text, List<Attachment> attachments, List<Integer> sessionReset) {

    public MessageContent(long sentAtMillis, String text, List<Attachment> attachments) {
        this(sentAtMillis, text, attachments, List.of());
    }

    /**
     * A session-reset request (§5.4): tells the recipient account's devices {@code devices} that the sender could
     * not decrypt their messages and started a new PQXDH session with each of them in this very envelope.
     */
    public static MessageContent sessionReset(List<Integer> devices) {
        return new MessageContent(System.currentTimeMillis(), null, List.of(), List.copyOf(devices));
    }

    /** Whether this is a session-reset request (not a message to show). */
    public boolean isSessionReset() {
        return !sessionReset.isEmpty();
    }

    public static final int VERSION = 1;
    /** The JSON is padded (ISO/IEC 7816-4, libsodium sodium_pad) to a multiple of this, hiding exact lengths from the relay. */
    public static final int PADDING_BLOCK = 160;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An attachment pointer plus what a recipient shows before downloading it. */
    public record Attachment(String blobId, String contentType, String fileName, AttachmentPointer pointer) {
    }

    public static MessageContent text(String text) {
        return new MessageContent(System.currentTimeMillis(), text, List.of());
    }

    public byte[] encode() {
        ObjectNode node = JSON.createObjectNode();
        node.put("v", VERSION);
        node.put("sentAt", sentAtMillis);
        if (text != null) {
            node.put("text", text);
        }
        if (!attachments.isEmpty()) {
            ArrayNode list = node.putArray("attachments");
            for (Attachment a : attachments) {
                ObjectNode entry = a.pointer().toJson();
                entry.put("blobId", a.blobId());
                entry.put("contentType", a.contentType());
                if (a.fileName() != null) {
                    entry.put("fileName", a.fileName());
                }
                list.add(entry);
            }
        }
        if (!sessionReset.isEmpty()) {
            ArrayNode devices = node.putArray("sessionReset");
            sessionReset.forEach(devices::add);
        }
        try {
            return net.secureconnect.sdk.crypto.Sodium.pad(JSON.writeValueAsBytes(node), PADDING_BLOCK);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static MessageContent decode(byte[] plaintext) {
        JsonNode node;
        try {
            node = JSON.readTree(net.secureconnect.sdk.crypto.Sodium.unpad(plaintext, PADDING_BLOCK));
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException("message content is not padded", e);
        } catch (IOException e) {
            throw new InvalidMessageException("message content is not JSON", e);
        }
        if (node == null || node.path("v").asInt() != VERSION) {
            throw new InvalidMessageException("unsupported message content version");
        }
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode a : node.path("attachments")) {
            attachments.add(new Attachment(a.path("blobId").asText(), a.path("contentType").asText(),
                    a.hasNonNull("fileName") ? a.get("fileName").asText() : null, AttachmentPointer.fromJson(a)));
        }
        List<Integer> reset = new ArrayList<>();
        for (JsonNode d : node.path("sessionReset")) {
            if (!d.canConvertToInt() || d.asInt() < 1) {
                throw new InvalidMessageException("sessionReset lists an invalid device id");
            }
            reset.add(d.asInt());
        }
        return new MessageContent(node.path("sentAt").asLong(), node.hasNonNull("text") ? node.get("text").asText() : null,
                List.copyOf(attachments), List.copyOf(reset));
    }
}
