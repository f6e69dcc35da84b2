package net.secureconnect.identity.model;

/** The public prekeys a device publishes; all keys are raw bytes (validated at the edge). */
public final class Prekeys {

    private Prekeys() {
    }

    /** An X25519 prekey signed by the device's identity key. */
    public record Signed(int keyId, byte[] publicKey, byte[] signature) {
    }

    /** An X25519 one-time prekey. */
    public record OneTime(int keyId, byte[] publicKey) {
    }

    /** An ML-KEM-768 prekey signed by the device's identity key; one-time or last-resort. */
    public record Kem(int keyId, byte[] publicKey, byte[] signature) {
    }

    /** The two pools of one-time keys, and the prefix of their sort keys in the prekeys table. */
    public enum OneTimeKind {
        EC("ec#"), KEM("kem#");

        private final String sortKeyPrefix;

        OneTimeKind(String sortKeyPrefix) {
            this.sortKeyPrefix = sortKeyPrefix;
        }

        public String sortKeyPrefix() {
            return sortKeyPrefix;
        }
    }
}
