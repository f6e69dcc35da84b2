package net.secureconnect.sdk.keys;

import net.secureconnect.sdk.ProtocolException;

/** A signature in a bundle or a session-setup message does not verify under the claimed identity key. */
public class InvalidSignatureException extends ProtocolException {
    public InvalidSignatureException(String message) {
        super(message);
    }
}
