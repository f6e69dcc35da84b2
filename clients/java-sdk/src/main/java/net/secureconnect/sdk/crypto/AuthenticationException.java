package net.secureconnect.sdk.crypto;

import net.secureconnect.sdk.ProtocolException;

/** An AEAD tag did not verify: wrong key, tampered ciphertext or tampered associated data. */
public class AuthenticationException extends ProtocolException {
    public AuthenticationException(String message) {
        super(message);
    }
}
