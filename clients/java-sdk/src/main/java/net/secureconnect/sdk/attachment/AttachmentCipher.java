package net.secureconnect.sdk.attachment;

import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.interfaces.SecretStream;
import net.secureconnect.sdk.ProtocolException;
import net.secureconnect.sdk.crypto.Sodium;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Attachments as a libsodium secretstream (XChaCha20-Poly1305) under a random key, streamed in 64 KiB
 * chunks so size is bounded only by the disk. Blob = header (24) ‖ chunk_1 ‖ … ‖ chunk_k, each chunk
 * = plaintext (≤ 65536) + 17 bytes, the last one tagged FINAL. docs/protocol-crypto.md §7.
 */
public final class AttachmentCipher {

    public static final int CHUNK_BYTES = 64 * 1024;
    public static final int HEADER_BYTES = 24;
    /** crypto_secretstream_xchacha20poly1305_ABYTES: 1 tag byte + 16 MAC bytes. */
    public static final int CHUNK_OVERHEAD = 17;
    private static final byte TAG_MESSAGE = 0;
    private static final byte TAG_FINAL = 3;
    private static final byte[] NO_AD = new byte[0];

    private AttachmentCipher() {
    }

    /** Blob size for a plaintext of {@code size} bytes (an empty plaintext is one empty FINAL chunk). */
    public static long ciphertextSize(long size) {
        long chunks = Math.max(1, (size + CHUNK_BYTES - 1) / CHUNK_BYTES);
        return HEADER_BYTES + size + chunks * CHUNK_OVERHEAD;
    }

    /** Encrypts {@code in} to {@code out} under a fresh random key; neither stream is closed. */
    public static AttachmentPointer encrypt(InputStream in, OutputStream out) throws IOException {
        return encrypt(in, out, Sodium.randomBytes(32));
    }

    static AttachmentPointer encrypt(InputStream in, OutputStream out, byte[] key) throws IOException {
        SodiumJava sodium = Sodium.library();
        SecretStream.State state = new SecretStream.State();
        byte[] header = new byte[HEADER_BYTES];
        check(sodium.crypto_secretstream_xchacha20poly1305_init_push(state, header, key), "init_push");
        Sodium.Sha256 digest = new Sodium.Sha256();
        out.write(header);
        digest.update(header, header.length);

        long size = 0;
        byte[] current = in.readNBytes(CHUNK_BYTES);
        byte[] cipher = new byte[CHUNK_BYTES + CHUNK_OVERHEAD];
        long[] cipherLength = new long[1];
        while (true) {
            byte[] next = current.length < CHUNK_BYTES ? new byte[0] : in.readNBytes(CHUNK_BYTES);
            boolean last = next.length == 0;
            check(sodium.crypto_secretstream_xchacha20poly1305_push(state, cipher, cipherLength, current,
                    current.length, NO_AD, 0, last ? TAG_FINAL : TAG_MESSAGE), "push");
            int length = (int) cipherLength[0];
            out.write(cipher, 0, length);
            digest.update(cipher, length);
            size += current.length;
            if (last) {
                break;
            }
            current = next;
        }
        return new AttachmentPointer(key, size, digest.digest());
    }

    /**
     * Decrypts a blob to {@code out}, checking every chunk, the FINAL tag at the very end, the size and the
     * digest. Throws {@link AttachmentException} on any mismatch; the output written so far must then be
     * discarded ({@link #decryptToFile} does that).
     */
    public static void decrypt(InputStream in, OutputStream out, AttachmentPointer pointer) throws IOException {
        SodiumJava sodium = Sodium.library();
        SecretStream.State state = new SecretStream.State();
        byte[] header = in.readNBytes(HEADER_BYTES);
        if (header.length != HEADER_BYTES) {
            throw new AttachmentException("blob shorter than its header");
        }
        Sodium.Sha256 digest = new Sodium.Sha256();
        digest.update(header, header.length);
        if (sodium.crypto_secretstream_xchacha20poly1305_init_pull(state, header, pointer.key()) != 0) {
            throw new AttachmentException("invalid secretstream header");
        }
        byte[] plain = new byte[CHUNK_BYTES];
        long[] plainLength = new long[1];
        byte[] tag = new byte[1];
        long size = 0;
        boolean finalSeen = false;
        while (true) {
            byte[] chunk = in.readNBytes(CHUNK_BYTES + CHUNK_OVERHEAD);
            if (chunk.length == 0) {
                break;
            }
            if (finalSeen) {
                throw new AttachmentException("data after the final chunk");
            }
            digest.update(chunk, chunk.length);
            if (chunk.length < CHUNK_OVERHEAD || sodium.crypto_secretstream_xchacha20poly1305_pull(state, plain,
                    plainLength, tag, chunk, chunk.length, NO_AD, 0) != 0) {
                throw new AttachmentException("chunk does not authenticate");
            }
            out.write(plain, 0, (int) plainLength[0]);
            size += plainLength[0];
            finalSeen = tag[0] == TAG_FINAL;
        }
        if (!finalSeen) {
            throw new AttachmentException("blob truncated: no final chunk");
        }
        if (size != pointer.size()) {
            throw new AttachmentException("size " + size + " differs from the pointer's " + pointer.size());
        }
        if (!Sodium.constantTimeEquals(digest.digest(), pointer.digest())) {
            throw new AttachmentException("digest mismatch");
        }
    }

    /** Decrypts into a temporary file beside {@code target} and moves it there only if everything checked out. */
    public static void decryptToFile(InputStream in, Path target, AttachmentPointer pointer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, ".attachment-", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                decrypt(in, out, pointer);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void check(int rc, String call) {
        if (rc != 0) {
            throw new UncheckedIOException(new IOException("secretstream " + call + " failed"));
        }
    }

    /** A blob that does not match its pointer or does not authenticate. */
    public static class AttachmentException extends ProtocolException {
        public AttachmentException(String message) {
            super(message);
        }
    }
}
