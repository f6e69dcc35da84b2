package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.crypto.X25519KeyPair;

/** Where new ephemeral and ratchet key pairs come from: random in use, fixed in test vectors. */
@FunctionalInterface
public interface KeySource {

    KeySource RANDOM = Sodium::x25519Generate;

    X25519KeyPair nextX25519();

    /** The random 24-byte AEAD nonce of the next message (docs/protocol-crypto.md §4). */
    default byte[] nextNonce() {
        return Sodium.randomBytes(MessageHeader.NONCE_BYTES);
    }

    /** The 32-byte randomness of an ML-KEM encapsulation; null means fresh randomness. */
    default byte[] kemEncapsulationRandomness() {
        return null;
    }
}
