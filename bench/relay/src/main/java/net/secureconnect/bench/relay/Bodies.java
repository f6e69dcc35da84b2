package net.secureconnect.bench.relay;

import java.util.Base64;
import java.util.Random;

/**
 * Realistic ciphertext sizes, base64-encoded once up front: most envelopes are short texts (a Double Ratchet
 * message of a sentence is 150–600 bytes), some are longer texts or attachment pointers (1–4 KiB), a few carry
 * small inline media (16–64 KiB).
 */
final class Bodies {

    private final String[] bodies;
    private final long[] sizes;

    Bodies(int count, long seed) {
        Random random = new Random(seed);
        bodies = new String[count];
        sizes = new long[count];
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(100);
            int size = roll < 70 ? 150 + random.nextInt(450) : roll < 95 ? 1024 + random.nextInt(3072)
                    : 16 * 1024 + random.nextInt(48 * 1024);
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            bodies[i] = Base64.getEncoder().encodeToString(bytes);
            sizes[i] = size;
        }
    }

    String body(long index) {
        return bodies[(int) (index % bodies.length)];
    }

    double meanSize() {
        long sum = 0;
        for (long size : sizes) {
            sum += size;
        }
        return (double) sum / sizes.length;
    }
}
