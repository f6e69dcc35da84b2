package net.secureconnect.sdk.crypto;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * HKDF-SHA256 (RFC 5869) on the JDK's HMAC-SHA256. lazysodium binds no HKDF, and the JDK's own (KDF API,
 * JEP 510) was measured slower for the SDK's short derivations (docs/benchmarks.md, "Java 25").
 */
public final class Hkdf {

    public static final int HASH_BYTES = 32;

    private Hkdf() {
    }

    public static byte[] derive(byte[] salt, byte[] inputKeyMaterial, byte[] info, int length) {
        return expand(extract(salt, inputKeyMaterial), info, length);
    }

    /** PRK = HMAC(salt, IKM); an empty salt means 32 zero bytes, as RFC 5869 says. */
    public static byte[] extract(byte[] salt, byte[] inputKeyMaterial) {
        byte[] key = salt == null || salt.length == 0 ? new byte[HASH_BYTES] : salt;
        return hmacSha256(key, inputKeyMaterial);
    }

    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length > 255 * HASH_BYTES) {
            throw new IllegalArgumentException("HKDF output too long");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] out = new byte[length];
            byte[] block = new byte[0];
            int written = 0;
            for (int counter = 1; written < length; counter++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) counter);
                block = mac.doFinal();
                int take = Math.min(block.length, length - written);
                System.arraycopy(block, 0, out, written, take);
                written += take;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public static byte[] hmacSha256(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
