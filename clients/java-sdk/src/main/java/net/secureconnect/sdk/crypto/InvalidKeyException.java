package net.secureconnect.sdk.crypto;

import net.secureconnect.sdk.ProtocolException;

/** A key of the wrong length, or a peer key that yields no usable shared secret. */
public class InvalidKeyException extends ProtocolException {
    public InvalidKeyException(String message) {
        super(message);
    }
}
