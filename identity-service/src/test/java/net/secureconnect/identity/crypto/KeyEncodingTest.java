package net.secureconnect.identity.crypto;

import net.jqwik.api.Arbitraries;
import net.jqwik.engine.SourceOfRandomness;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One spelling per key: only the canonical padded standard base64 of the exact length decodes. */
class KeyEncodingTest {

    @Test
    void canonicalTextRoundTripsForEveryLengthInUse() {
        Random random = new Random(7);
        for (int length : new int[] {32, 64, 1184}) {
            for (int i = 0; i < 200; i++) {
                byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                String text = Base64.getEncoder().encodeToString(bytes);
                assertArrayEquals(bytes, KeyEncoding.decode(text, length).orElseThrow());
                assertEquals(text, KeyEncoding.encode(bytes));
            }
        }
    }

    @Test
    void everyOtherSpellingIsRefused() {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) 0xFB;
        bytes[31] = (byte) 0xFF;
        String canonical = Base64.getEncoder().encodeToString(bytes);
        assertTrue(KeyEncoding.decode(canonical, 32).isPresent());
        assertTrue(KeyEncoding.decode(canonical.replace("=", ""), 32).isEmpty(), "padding is required");
        assertTrue(KeyEncoding.decode(Base64.getUrlEncoder().encodeToString(bytes), 32).isEmpty(), "no URL alphabet");
        assertTrue(KeyEncoding.decode(" " + canonical.substring(1), 32).isEmpty(), "no blanks");
        assertTrue(KeyEncoding.decode(canonical.substring(0, 20) + "\n" + canonical.substring(21), 32).isEmpty());
        // Same bytes, but non-zero bits after the last byte: decoders accept it, we do not.
        char last = canonical.charAt(42);
        String sloppy = canonical.substring(0, 42) + (char) (last + 1) + "=";
        assertTrue(KeyEncoding.decode(sloppy, 32).isEmpty(), sloppy);
        assertTrue(KeyEncoding.decode(Base64.getEncoder().encodeToString(new byte[31]), 32).isEmpty());
        assertTrue(KeyEncoding.decode(Base64.getEncoder().encodeToString(new byte[33]), 32).isEmpty());
        assertTrue(KeyEncoding.decode("", 32).isEmpty());
        assertTrue(KeyEncoding.decode(null, 32).isEmpty());
        assertTrue(KeyEncoding.decode("%".repeat(44), 32).isEmpty());
    }

    @Test
    void arbitraryStringsNeverThrow() {
        SourceOfRandomness.create("11"); // jqwik samples outside a property from this thread's source
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(0).ofMaxLength(120)
                .injectDuplicates(0.1).sampleStream().limit(5_000)
                .forEach(text -> KeyEncoding.decode(text, 32).ifPresent(bytes ->
                        assertEquals(text, Base64.getEncoder().encodeToString(bytes))));
        // Almost every random string is refused; canonical 32-byte texts, generated, all pass.
        Arbitraries.bytes().array(byte[].class).ofSize(32).sampleStream().limit(1_000)
                .forEach(bytes -> assertArrayEquals(bytes,
                        KeyEncoding.decode(Base64.getEncoder().encodeToString(bytes), 32).orElseThrow()));
    }
}
