package net.secureconnect.contracts;

import java.time.Instant;
import java.util.Base64;

/**
 * The account's identity key changed (re-registration): peers must warn before trusting it.
 *
 * @param deviceId    the device that registered the key
 * @param identityKey standard base64 (with padding) of the {@value #IDENTITY_KEY_BYTES}-byte public key
 */
public record IdentityKeyChanged(
        String eventId,
        Instant occurredAt,
        String accountId,
        int deviceId,
        String identityKey) implements Event {

    public static final int IDENTITY_KEY_BYTES = 32;

    public IdentityKeyChanged {
        Require.common(eventId, occurredAt, accountId);
        Require.range(deviceId, 1, Integer.MAX_VALUE, "deviceId");
        byte[] key;
        try {
            key = Base64.getDecoder().decode(Require.present(identityKey, "identityKey"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("identityKey is not base64: " + e.getMessage());
        }
        // Only the canonical text is accepted, so one key has one spelling and equals() means same key.
        if (key.length != IDENTITY_KEY_BYTES || !Base64.getEncoder().encodeToString(key).equals(identityKey)) {
            throw new IllegalArgumentException(
                    "identityKey must be the padded base64 of " + IDENTITY_KEY_BYTES + " bytes");
        }
    }

    public byte[] identityKeyBytes() {
        return Base64.getDecoder().decode(identityKey);
    }
}
