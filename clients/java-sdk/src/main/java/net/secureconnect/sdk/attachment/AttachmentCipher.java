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
 * chunks so size is bounded only by the disk. Before encryption the file is padded with zero bytes to a
 * size bucket {@link #paddedSize} (≤ 6.25 % overhead) so the blob's length reveals the file's size only
 * coarsely. Blob = header (24) ‖ chunk_1 ‖ … ‖ chunk_k over the P padded bytes, each chunk = plaintext
 * (≤ 65536) + 17 bytes, the last one tagged FINAL. docs/protocol-crypto.md §7.
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

    /** Smallest padded size: every file of up to 512 bytes is encrypted as 512 bytes. */
    public static final int MIN_PADDED_BYTES = 512;

    /**
     * The padded length P(n) of a file of {@code size} bytes (§7): 512 for n ≤ 512; otherwise n rounded up
     * to a multiple of 2^(b-5), b = bit length of n, i.e. 16 buckets per power of two (≤ 6.25 % overhead).
     */
    public static long paddedSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
        if (size <= MIN_PADDED_BYTES) {
            return MIN_PADDED_BYTES;
        }
        int bits = 64 - Long.numberOfLeadingZeros(size);
        long unit = 1L << (bits - 5);
        return (size + unit - 1) / unit * unit;
    }

    /** Blob size for a file of {@code size} bytes: the secretstream over P(size) padded bytes. */
    public static long ciphertextSize(long size) {
        long padded = paddedSize(size);
        long chunks = Math.max(1, (padded + CHUNK_BYTES - 1) / CHUNK_BYTES);
        return HEADER_BYTES + padded + chunks * CHUNK_OVERHEAD;
    }

    /** Encrypts {@code in} to {@code out} under a fresh random key; neither stream is closed. */
    public static AttachmentPointer encrypt(InputStream in, OutputStream out) throws IOException {
        return encrypt(in, out, Sodium.randomBytes(32));
    }

    /** Encrypts the file padded to P(n) with zero bytes; the pointer's size is the real n. */
    public static AttachmentPointer encrypt(InputStream in, OutputStream out, byte[] key) throws IOException {
        CountingInputStream counted = new CountingInputStream(in);
        // The padding is appended once the file's end is seen, so the file is read in a single pass.
        InputStream padded = new InputStream() {
            private long padding = -1;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (padding < 0) {
                    int n = counted.read(b, off, len);
                    if (n >= 0) {
                        return n;
                    }
                    padding = paddedSize(counted.count) - counted.count;
                }
                if (padding == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, padding);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                padding -= n;
                return n;
            }
        };
        AttachmentPointer sealed = encryptRaw(padded, out, key);
        return new AttachmentPointer(sealed.key(), counted.count, sealed.digest());
    }

    /**
     * Encrypts exactly the bytes of {@code in}, without padding. Only for test vectors that must show a
     * receiver refusing a badly padded blob; the pointer's size is the stream's length.
     */
    public static AttachmentPointer encryptRaw(InputStream in, OutputStream out, byte[] key) throws IOException {
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
     * Decrypts a blob to {@code out}, checking every chunk, the FINAL tag at the very end, the padded length
     * P(size), that every byte after {@code size} is zero, and the digest; writes only the first
     * {@code size} bytes. Throws {@link AttachmentException} on any mismatch; the output written so far must
     * then be discarded ({@link #decryptToFile} does that).
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
        if (pointer.size() < 0) {
            throw new AttachmentException("negative size in the pointer");
        }
        long expected = paddedSize(pointer.size());
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
            int length = (int) plainLength[0];
            if (size + length > expected) {
                throw new AttachmentException("plaintext longer than the padded size " + expected);
            }
            // bytes [0, file) of this chunk belong to the file, the rest is padding and must be zero
            int file = (int) Math.max(0, Math.min(length, pointer.size() - size));
            out.write(plain, 0, file);
            int nonZero = 0;
            for (int i = file; i < length; i++) {
                nonZero |= plain[i];
            }
            if (nonZero != 0) {
                throw new AttachmentException("padding is not all zero");
            }
            size += length;
            finalSeen = tag[0] == TAG_FINAL;
        }
        if (!finalSeen) {
            throw new AttachmentException("blob truncated: no final chunk");
        }
        if (size != expected) {
            throw new AttachmentException("padded length " + size + " differs from P(" + pointer.size() + ") = "
                    + expected);
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

    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** A blob that does not match its pointer or does not authenticate. */
    public static class AttachmentException extends ProtocolException {
        public AttachmentException(String message) {
            super(message);
        }
    }
}
