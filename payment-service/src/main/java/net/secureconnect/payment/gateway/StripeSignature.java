package net.secureconnect.payment.gateway;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Stripe's webhook signature scheme, used by the stripe and the sandbox gateway: header
 * {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]}, where v1 is HMAC-SHA256 over
 * {@code t + "." + raw body}. Several v1 values are accepted because Stripe sends one per active secret
 * while a secret is being rolled.
 */
public final class StripeSignature {

    public static final String HEADER = "stripe-signature";
    /** Stripe's default: an older signature may be a replay. */
    public static final Duration TOLERANCE = Duration.ofSeconds(300);
    /** Bounds the work an attacker can make us do per request. */
    private static final int MAX_SIGNATURES = 8;

    private StripeSignature() {
    }

    /** The header value for {@code body} signed at {@code at} (the sandbox's side and tests). */
    public static String sign(String secret, Instant at, byte[] body) {
        long t = at.getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(secret, t, body));
    }

    /** Throws unless one v1 value matches and the timestamp is within the tolerance of {@code now}. */
    public static void verify(String secret, String header, byte[] body, Instant now) throws InvalidWebhookException {
        if (header == null || header.isBlank()) {
            throw new InvalidWebhookException("INVALID_SIGNATURE", "Stripe-Signature header missing");
        }
        Long t = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            try {
                if (key.equals("t") && t == null) {
                    t = Long.parseLong(value);
                } else if (key.equals("v1") && signatures.size() < MAX_SIGNATURES) {
                    signatures.add(HexFormat.of().parseHex(value));
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidWebhookException("INVALID_SIGNATURE", "Stripe-Signature header unreadable");
            }
        }
        if (t == null || signatures.isEmpty()) {
            throw new InvalidWebhookException("INVALID_SIGNATURE", "Stripe-Signature needs t and v1");
        }
        byte[] expected = hmac(secret, t, body);
        boolean match = false;
        for (byte[] candidate : signatures) {
            // Constant time, and no early exit, so timing says nothing about which value was close.
            match |= MessageDigest.isEqual(expected, candidate);
        }
        if (!match) {
            throw new InvalidWebhookException("INVALID_SIGNATURE", "no v1 signature matches");
        }
        // Checked after the HMAC: only a validly signed timestamp can be called stale.
        if (Math.abs(now.getEpochSecond() - t) > TOLERANCE.toSeconds()) {
            throw new InvalidWebhookException("STALE_WEBHOOK", "signature timestamp outside the 300 s tolerance");
        }
    }

    private static byte[] hmac(String secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JRE has HmacSHA256", e);
        }
    }
}
