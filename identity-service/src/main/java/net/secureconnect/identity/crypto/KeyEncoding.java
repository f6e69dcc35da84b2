package net.secureconnect.identity.crypto;

import java.util.Base64;
import java.util.Optional;

/**
 * The one wire form of keys and signatures: standard base64 with padding (RFC 4648 §4), the spelling a
 * standard encoder produces and nothing else, so a key has exactly one text form (as in the
 * IdentityKeyChanged event).
 */
public final class KeyEncoding {

    private KeyEncoding() {
    }

    /** The bytes of {@code text} if it is the canonical encoding of exactly {@code length} bytes. */
    public static Optional<byte[]> decode(String text, int length) {
        // Cheap length check first: never allocate for an oversized value.
        if (text == null || text.length() != encodedLength(length)) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        // Re-encoding catches missing padding and non-zero bits after the last byte.
        if (bytes.length != length || !Base64.getEncoder().encodeToString(bytes).equals(text)) {
            return Optional.empty();
        }
        return Optional.of(bytes);
    }

    /** Like {@link #decode} for text already validated at the edge. */
    public static byte[] decodeValid(String text, int length) {
        return decode(text, length).orElseThrow(
                () -> new IllegalArgumentException("not the canonical base64 of " + length + " bytes"));
    }

    public static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static int encodedLength(int bytes) {
        return 4 * ((bytes + 2) / 3);
    }
}
