package net.secureconnect.sdk;

import net.secureconnect.sdk.attachment.AttachmentCipher;
import net.secureconnect.sdk.attachment.AttachmentPointer;
import net.secureconnect.sdk.protocol.InvalidMessageException;
import net.secureconnect.sdk.protocol.MessageContent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MessageContentTest {

    @Test
    void attachmentPointerTravelsInsideTheEncryptedMessage() throws Exception {
        Party alice = new Party("alice", 1);
        Party bob = new Party("bob", 1);
        byte[] file = "the file".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        AttachmentPointer pointer = AttachmentCipher.encrypt(new ByteArrayInputStream(file), blob);
        MessageContent sent = new MessageContent(123, "see attached",
                List.of(new MessageContent.Attachment("blob-1", "text/plain", "a.txt", pointer)));

        if (!alice.cipher.hasSession(bob.address)) {
            alice.cipher.startSession(bob.bundle());
        }
        byte[] wire = alice.cipher.encrypt(bob.address, sent.encode());
        MessageContent received = MessageContent.decode(bob.cipher.decrypt(alice.address, wire));
        assertEquals("see attached", received.text());
        assertEquals(123, received.sentAtMillis());
        MessageContent.Attachment attachment = received.attachments().get(0);
        assertEquals("blob-1", attachment.blobId());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AttachmentCipher.decrypt(new ByteArrayInputStream(blob.toByteArray()), out, attachment.pointer());
        assertArrayEquals(file, out.toByteArray());
        assertThrows(InvalidMessageException.class, () -> MessageContent.decode("{\"v\":2}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(InvalidMessageException.class, () -> MessageContent.decode(
                net.secureconnect.sdk.crypto.Sodium.pad("{\"v\":2}".getBytes(StandardCharsets.UTF_8), 160)));
    }

    @Test
    void contentIsPaddedToMultiplesOf160Bytes() {
        for (String text : new String[] {"", "hi", "x".repeat(120), "x".repeat(200)}) {
            byte[] encoded = MessageContent.text(text).encode();
            assertEquals(0, encoded.length % 160, text.length() + " chars");
            assertEquals(text, MessageContent.decode(encoded).text());
        }
        assertEquals(160, MessageContent.text("hi").encode().length);
    }

    /**
     * The web client adds the sender's username claim {@code "from"} to its content (docs/protocol-crypto.md §5.3;
     * the recipient checks it by a forward lookup). This SDK reads such content as before, whatever the claim —
     * well-formed, of the wrong type, or next to a field nobody defined — and never takes it as a name.
     */
    @Test
    void contentOfTheWebClientWithASenderClaimIsReadAndTheClaimIgnored() {
        for (String json : new String[] {
                // byte for byte what the web client's encodeContent writes (from before text)
                "{\"v\":1,\"sentAt\":1767225600000,\"from\":\"alice\",\"text\":\"hello\"}",
                "{\"v\":1,\"sentAt\":1767225600000,\"from\":{\"u\":[1,2]},\"text\":\"hello\"}",
                "{\"v\":1,\"sentAt\":1767225600000,\"from\":null,\"text\":\"hello\",\"notYetDefined\":[true]}"}) {
            MessageContent read = MessageContent.decode(
                    net.secureconnect.sdk.crypto.Sodium.pad(json.getBytes(StandardCharsets.UTF_8), 160));
            assertEquals("hello", read.text(), json);
            assertEquals(1767225600000L, read.sentAtMillis(), json);
            assertEquals(List.of(), read.attachments(), json);
            assertEquals(false, read.isSessionReset(), json);
        }
    }
}
