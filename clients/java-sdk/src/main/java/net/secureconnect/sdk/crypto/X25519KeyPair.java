package net.secureconnect.sdk.crypto;

/** An X25519 key pair: 32-byte u-coordinate and 32-byte private scalar (RFC 7748). */
public record X25519KeyPair(byte[] publicKey, byte[] privateKey) {
}
