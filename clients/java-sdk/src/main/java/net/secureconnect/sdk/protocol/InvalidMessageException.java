package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.ProtocolException;

/** A message that cannot be decrypted: malformed, tampered, or set up with keys this device does not have. */
public class InvalidMessageException extends ProtocolException {
    public InvalidMessageException(String message) {
        super(message);
    }

    public InvalidMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
