package net.secureconnect.sdk.crypto;

/** An Ed25519 key pair: the 32-byte public key and the 32-byte seed it was made from (RFC 8032). */
public record Ed25519KeyPair(byte[] publicKey, byte[] seed) {
}
