package net.secureconnect.sdk.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.attachment.AttachmentPointer;
import net.secureconnect.sdk.protocol.MessageContent;

import java.util.ArrayList;
import java.util.List;

/**
 * One message of the local history, decrypted. {@code peer} is the other account of the conversation
 * (for a copy of what this account sent from another device, the account itself: the content does not
 * name the recipient). {@code sentAtMillis} is the sender's clock, {@code relayedAt} the relay's.
 * Attachments keep their keys (the history is encrypted at rest like every state file).
 */
public record StoredMessage(String id, boolean outgoing, String peer, int peerDevice, long sentAtMillis,
                            String relayedAt, String text, List<MessageContent.Attachment> attachments) {

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", id).put("outgoing", outgoing).put("peer", peer).put("peerDevice", peerDevice)
                .put("sentAt", sentAtMillis).put("relayedAt", relayedAt).put("text", text);
        ArrayNode list = node.putArray("attachments");
        for (MessageContent.Attachment a : attachments) {
            ObjectNode entry = a.pointer().toJson();
            entry.put("blobId", a.blobId()).put("contentType", a.contentType()).put("fileName", a.fileName());
            list.add(entry);
        }
        return node;
    }

    static StoredMessage fromJson(JsonNode n) {
        List<MessageContent.Attachment> attachments = new ArrayList<>();
        for (JsonNode a : n.path("attachments")) {
            attachments.add(new MessageContent.Attachment(a.path("blobId").asText(), a.path("contentType").asText(),
                    a.hasNonNull("fileName") ? a.get("fileName").asText() : null, AttachmentPointer.fromJson(a)));
        }
        return new StoredMessage(n.path("id").asText(), n.path("outgoing").asBoolean(), n.path("peer").asText(),
                n.path("peerDevice").asInt(), n.path("sentAt").asLong(), n.path("relayedAt").asText(null),
                n.path("text").asText(null), List.copyOf(attachments));
    }
}
