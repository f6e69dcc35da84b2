package net.secureconnect.sdk;

import net.secureconnect.sdk.attachment.AttachmentCipher;
import net.secureconnect.sdk.attachment.AttachmentPointer;
import net.secureconnect.sdk.crypto.Sodium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttachmentCipherTest {

    /** 50 MiB + 12345 bytes, generated on the fly: never held in memory. */
    private static final long LARGE = 50L * 1024 * 1024 + 12345;

    @Test
    void largeAttachmentStreamsThroughFilesWithBoundedMemory(@TempDir Path dir) throws IOException {
        Path blob = dir.resolve("blob");
        AttachmentPointer pointer;
        Sodium.Sha256 plainDigest = new Sodium.Sha256();
        try (InputStream in = new PatternStream(LARGE, plainDigest); OutputStream out = Files.newOutputStream(blob)) {
            pointer = AttachmentCipher.encrypt(in, out);
        }
        assertEquals(LARGE, pointer.size());
        assertEquals(pointer.ciphertextSize(), Files.size(blob));

        Path plain = dir.resolve("plain");
        try (InputStream in = Files.newInputStream(blob)) {
            AttachmentCipher.decryptToFile(in, plain, pointer);
        }
        assertEquals(LARGE, Files.size(plain));
        Sodium.Sha256 roundTrip = new Sodium.Sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(plain)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                roundTrip.update(buffer, n);
            }
        }
        assertArrayEquals(plainDigest.digest(), roundTrip.digest());
    }

    @Test
    void sizesAtChunkBoundaries() throws IOException {
        for (int size : new int[] {0, 1, AttachmentCipher.CHUNK_BYTES - 1, AttachmentCipher.CHUNK_BYTES,
                AttachmentCipher.CHUNK_BYTES + 1, 3 * AttachmentCipher.CHUNK_BYTES}) {
            byte[] data = Sodium.randomBytes(size);
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            AttachmentPointer pointer = AttachmentCipher.encrypt(new ByteArrayInputStream(data), blob);
            assertEquals(pointer.ciphertextSize(), blob.size(), "size " + size);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AttachmentCipher.decrypt(new ByteArrayInputStream(blob.toByteArray()), out, pointer);
            assertArrayEquals(data, out.toByteArray());
        }
    }

    @Test
    void tamperedTruncatedOrMismatchedBlobsAreRefused(@TempDir Path dir) throws IOException {
        byte[] data = Sodium.randomBytes(3 * AttachmentCipher.CHUNK_BYTES + 10);
        data[data.length - 1] = 1; // so a pointer claiming one byte less finds a non-zero "padding" byte
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AttachmentPointer pointer = AttachmentCipher.encrypt(new ByteArrayInputStream(data), out);
        byte[] blob = out.toByteArray();

        byte[] flipped = blob.clone();
        flipped[100_000] ^= 1;
        assertRefused(flipped, pointer);
        // dropping the last chunk leaves a stream without FINAL
        int lastChunk = 24 + 3 * (AttachmentCipher.CHUNK_BYTES + 17);
        assertRefused(Arrays.copyOf(blob, lastChunk), pointer);
        // a chunk cut short
        assertRefused(Arrays.copyOf(blob, blob.length - 1), pointer);
        // extra bytes after the end
        assertRefused(Arrays.copyOf(blob, blob.length + 5), pointer);
        // wrong key, wrong size, wrong digest
        assertRefused(blob, new AttachmentPointer(Sodium.randomBytes(32), pointer.size(), pointer.digest()));
        assertRefused(blob, new AttachmentPointer(pointer.key(), pointer.size() - 1, pointer.digest()));
        assertRefused(blob, new AttachmentPointer(pointer.key(), pointer.size() + 10_000, pointer.digest()));
        assertRefused(blob, new AttachmentPointer(pointer.key(), pointer.size(), new byte[32]));

        // decryptToFile leaves nothing behind on failure
        Path target = dir.resolve("out");
        assertThrows(AttachmentCipher.AttachmentException.class,
                () -> AttachmentCipher.decryptToFile(new ByteArrayInputStream(flipped), target, pointer));
        assertFalse(Files.exists(target));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void filesArePaddedToSizeBucketsSoTheBlobHidesTheExactSize() throws IOException {
        // every file of 513..544 bytes gives the same blob length (P = 544), the pointer keeps the real size
        for (int size = 513; size <= 544; size++) {
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            AttachmentPointer pointer = AttachmentCipher.encrypt(new ByteArrayInputStream(Sodium.randomBytes(size)), blob);
            assertEquals(24 + 544 + 17, blob.size(), "size " + size);
            assertEquals(size, pointer.size());
        }
        assertEquals(512, AttachmentCipher.paddedSize(0));
        assertEquals(544, AttachmentCipher.paddedSize(513));
        assertEquals(65536, AttachmentCipher.paddedSize(65536));
        assertEquals(52_428_800, AttachmentCipher.paddedSize(52_428_800)); // 25 · 2^21 exactly
        assertEquals(54_525_952, AttachmentCipher.paddedSize(52_428_801));
        for (long n = 513; n < 5_000_000; n = n * 3 / 2 + 1) {
            long p = AttachmentCipher.paddedSize(n);
            assertTrue(p >= n && (p - n) * 16 <= n, "overhead of " + n + " is at most 6.25 %");
        }
    }

    @Test
    void aHostileSendersBadlyPaddedBlobIsRefused() throws IOException {
        byte[] key = Sodium.randomBytes(32);
        // padding with a non-zero byte (a covert channel or a bug): refused
        byte[] dirty = new byte[512];
        dirty[0] = 7;
        dirty[300] = 1;
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        AttachmentPointer sealed = AttachmentCipher.encryptRaw(new ByteArrayInputStream(dirty), blob, key);
        var e = assertThrows(AttachmentCipher.AttachmentException.class, () -> AttachmentCipher.decrypt(
                new ByteArrayInputStream(blob.toByteArray()), OutputStream.nullOutputStream(),
                new AttachmentPointer(key, 1, sealed.digest())));
        assertEquals("padding is not all zero", e.getMessage());
        // an unpadded blob (the pre-padding format) of 600 bytes: P(600) = 608, refused
        ByteArrayOutputStream unpadded = new ByteArrayOutputStream();
        AttachmentPointer old = AttachmentCipher.encryptRaw(new ByteArrayInputStream(new byte[600]), unpadded, key);
        e = assertThrows(AttachmentCipher.AttachmentException.class, () -> AttachmentCipher.decrypt(
                new ByteArrayInputStream(unpadded.toByteArray()), OutputStream.nullOutputStream(), old));
        assertEquals("padded length 600 differs from P(600) = 608", e.getMessage());
    }

    @Test
    void pointerJsonRoundTrips() throws IOException {
        AttachmentPointer pointer = AttachmentCipher.encrypt(new ByteArrayInputStream(new byte[10]), new ByteArrayOutputStream());
        AttachmentPointer back = AttachmentPointer.fromJson(pointer.toJson());
        assertArrayEquals(pointer.key(), back.key());
        assertArrayEquals(pointer.digest(), back.digest());
        assertEquals(pointer.size(), back.size());
    }

    private static void assertRefused(byte[] blob, AttachmentPointer pointer) {
        assertThrows(AttachmentCipher.AttachmentException.class,
                () -> AttachmentCipher.decrypt(new ByteArrayInputStream(blob), OutputStream.nullOutputStream(), pointer));
    }

    /** Deterministic bytes of a given length, digested as they are read. */
    private static final class PatternStream extends InputStream {
        private final long length;
        private final Sodium.Sha256 digest;
        private long position;

        PatternStream(long length, Sodium.Sha256 digest) {
            this.length = length;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((position + i) * 31 + ((position + i) >>> 13));
            }
            position += n;
            byte[] chunk = Arrays.copyOfRange(b, off, off + n);
            digest.update(chunk, n);
            return n;
        }
    }
}
