package net.secureconnect.contracts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic event ids: the same cause always yields the same id, so a publish retried after a
 * crash is deduplicated downstream instead of charged twice.
 */
public final class EventIds {

    /** Fixed namespace of SecureConnect's name-based ids; changing it would change every derived id. */
    private static final UUID NAMESPACE = UUID.fromString("85ac694f-8bf8-4e9c-b901-500d198f22b6");

    private EventIds() {
    }

    /**
     * The id of the {@code type} event caused by {@code causeParts}, e.g.
     * {@code forCause(USAGE_EVENT, "relay-service", envelopeId)} or
     * {@code forCause(BALANCE_CHANGED, usageEvent.eventId())}.
     */
    public static String forCause(EventType type, String... causeParts) {
        String[] parts = new String[causeParts.length + 1];
        parts[0] = type.wireName();
        System.arraycopy(causeParts, 0, parts, 1, causeParts.length);
        return derive(parts);
    }

    /**
     * A name-based (version 5, SHA-1) UUID of the parts. Each part is length-prefixed, so
     * {@code ("ab", "c")} and {@code ("a", "bc")} give different ids.
     */
    public static String derive(String... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("at least one part is required");
        }
        MessageDigest sha1 = sha1();
        sha1.update(ByteBuffer.allocate(16)
                .putLong(NAMESPACE.getMostSignificantBits())
                .putLong(NAMESPACE.getLeastSignificantBits())
                .array());
        for (String part : parts) {
            byte[] bytes = Require.present(part, "part").getBytes(StandardCharsets.UTF_8);
            sha1.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            sha1.update(bytes);
        }
        ByteBuffer hash = ByteBuffer.wrap(sha1.digest());
        long msb = (hash.getLong() & ~0xF000L) | 0x5000L;                          // version 5
        long lsb = (hash.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;   // IETF variant
        return new UUID(msb, lsb).toString();
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE ships SHA-1", e);
        }
    }
}
