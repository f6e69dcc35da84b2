package net.secureconnect.sdk;

/**
 * Root of everything the SDK refuses for a cryptographic or protocol reason (a bad signature, a message
 * that does not authenticate, a replay). Unchecked so that stream code stays readable; every subtype is
 * documented on the method that throws it.
 */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
