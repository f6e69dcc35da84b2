package net.secureconnect.sdk.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.keys.DeviceAddress;

/**
 * The identity key pinned for one peer device (docs/protocol-crypto.md §10): trusted on first use
 * ({@code verified == false}) or compared in person ({@code verified}). {@code pendingKey} is the other key
 * last offered for the device (refused until the user accepts it).
 */
public record IdentityPin(DeviceAddress device, byte[] identityKey, boolean verified, long pinnedAtMillis,
                          byte[] pendingKey) {

    public IdentityPin withPending(byte[] offered) {
        return new IdentityPin(device, identityKey, verified, pinnedAtMillis, offered.clone());
    }

    public IdentityPin asVerified() {
        return new IdentityPin(device, identityKey, true, pinnedAtMillis, pendingKey);
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("accountId", device.accountId()).put("deviceId", device.deviceId());
        if (identityKey != null) {
            node.put("identityKey", Bytes.base64(identityKey)); // absent: a refused new device of a verified contact
        }
        node.put("state", verified ? "verified" : "unverified").put("pinnedAt", pinnedAtMillis);
        if (pendingKey != null) {
            node.put("pendingKey", Bytes.base64(pendingKey));
        }
        return node;
    }

    public static IdentityPin fromJson(JsonNode node) {
        return new IdentityPin(new DeviceAddress(node.path("accountId").asText(), node.path("deviceId").asInt()),
                node.hasNonNull("identityKey") ? Bytes.base64(node.get("identityKey").asText(), 32) : null,
                "verified".equals(node.path("state").asText()),
                node.path("pinnedAt").asLong(),
                node.hasNonNull("pendingKey") ? Bytes.base64(node.get("pendingKey").asText(), 32) : null);
    }
}
