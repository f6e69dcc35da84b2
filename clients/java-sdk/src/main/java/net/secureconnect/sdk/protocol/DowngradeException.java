package net.secureconnect.sdk.protocol;

/**
 * A session-setup message without the post-quantum part (type 0x02, plain X3DH): refused before any key is
 * looked up, since accepting it would let anyone who strips the KEM prekey downgrade the session
 * (docs/protocol-crypto.md §5).
 */
public final class DowngradeException extends InvalidMessageException {
    public DowngradeException(String message) {
        super(message);
    }
}
