package net.secureconnect.sdk.attachment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.crypto.Bytes;

/**
 * What travels inside the encrypted message so the recipient can fetch and open an attachment: the
 * secretstream key, the plaintext size and the SHA-256 of the ciphertext blob. The server stores only
 * the blob. JSON form: {@code {"key": b64(32), "size": n, "digest": b64(32)}}.
 */
public record AttachmentPointer(byte[] key, long size, byte[] digest) {

    public long ciphertextSize() {
        return AttachmentCipher.ciphertextSize(size);
    }

    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("key", Bytes.base64(key)).put("size", size)
                .put("digest", Bytes.base64(digest));
    }

    public static AttachmentPointer fromJson(JsonNode node) {
        return new AttachmentPointer(Bytes.base64(node.path("key").asText(), 32), node.path("size").asLong(),
                Bytes.base64(node.path("digest").asText(), 32));
    }
}
