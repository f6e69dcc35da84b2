package net.secureconnect.sdk.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/** Byte-string building blocks of the wire formats (big-endian integers, concatenation, base64). */
public final class Bytes {

    private Bytes() {
    }

    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] u32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    public static long readU32(byte[] data, int offset) {
        return ((data[offset] & 0xFFL) << 24) | ((data[offset + 1] & 0xFFL) << 16)
                | ((data[offset + 2] & 0xFFL) << 8) | (data[offset + 3] & 0xFFL);
    }

    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Strict decoding: the canonical padded standard base64 of exactly {@code length} bytes, as identity-service requires. */
    public static byte[] base64(String text, int length) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidKeyException("not base64");
        }
        if (bytes.length != length || !Base64.getEncoder().encodeToString(bytes).equals(text)) {
            throw new InvalidKeyException("not the canonical base64 of " + length + " bytes");
        }
        return bytes;
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }
}
