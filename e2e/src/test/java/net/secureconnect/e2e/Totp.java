package net.secureconnect.e2e;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords (HMAC-SHA1, 6 digits, 30 s steps: the realm's OTP policy),
 * built on RFC 4226's dynamic truncation.
 */
final class Totp {

    static final int PERIOD_SECONDS = 30;
    static final int DIGITS = 6;

    private Totp() {
    }

    /** The time step (RFC 6238 "T") for a Unix time in seconds. */
    static long step(long unixSeconds) {
        return Math.floorDiv(unixSeconds, PERIOD_SECONDS);
    }

    static String code(byte[] key, long step) {
        return code(key, step, DIGITS, "HmacSHA1");
    }

    static String code(byte[] key, long step, int digits, String hmacAlgorithm) {
        try {
            Mac mac = Mac.getInstance(hmacAlgorithm);
            mac.init(new SecretKeySpec(key, hmacAlgorithm));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24)
                    | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8)
                    | (hash[offset + 3] & 0xff);
            int otp = binary % (int) Math.pow(10, digits);
            return String.format(Locale.ROOT, "%0" + digits + "d", otp);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4648 base32 (the form authenticator apps and the realm JSON use), padding optional. */
    static byte[] base32Decode(String text) {
        String s = text.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : s.toCharArray()) {
            int value;
            if (c >= 'A' && c <= 'Z') {
                value = c - 'A';
            } else if (c >= '2' && c <= '7') {
                value = c - '2' + 26;
            } else {
                throw new IllegalArgumentException("not base32: " + c);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }

    /**
     * Hands out codes that were not used before in this JVM. Keycloak refuses a code it has already
     * accepted (otpPolicyCodeReusable=false) but accepts the neighbouring time steps
     * (otpPolicyLookAheadWindow=1), so a second login within 30 s uses the next step's code.
     */
    static final class FreshCodes {
        private final byte[] key;
        private final Set<Long> used = new HashSet<>();

        FreshCodes(String base32Secret) {
            this.key = base32Decode(base32Secret);
        }

        synchronized String next() throws InterruptedException {
            while (true) {
                long now = step(System.currentTimeMillis() / 1000);
                for (long candidate = now; candidate <= now + 1; candidate++) {
                    if (used.add(candidate)) {
                        return code(key, candidate);
                    }
                }
                long nextStepMillis = (now + 1) * PERIOD_SECONDS * 1000L;
                Thread.sleep(Math.max(100, nextStepMillis - System.currentTimeMillis() + 200));
            }
        }
    }
}
