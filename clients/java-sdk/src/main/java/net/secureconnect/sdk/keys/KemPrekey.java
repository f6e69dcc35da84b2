package net.secureconnect.sdk.keys;

import net.secureconnect.sdk.crypto.MlKem768;

/** An ML-KEM-768 prekey this device holds (last-resort or one-time), signed by its identity key. */
public record KemPrekey(int keyId, MlKem768.KeyPair keyPair, byte[] signature, long createdAtMillis) {
}
