package net.secureconnect.sdk.keys;

import net.secureconnect.sdk.crypto.X25519KeyPair;

/** A signed prekey this device holds: its id, key pair, the identity key's signature, and when it was made. */
public record SignedPrekey(int keyId, X25519KeyPair keyPair, byte[] signature, long createdAtMillis) {
}
