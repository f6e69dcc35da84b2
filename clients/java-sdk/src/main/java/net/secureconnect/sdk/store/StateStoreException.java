package net.secureconnect.sdk.store;

/** The local state cannot be read or written: I/O failure, a corrupted or tampered file, a profile in use. */
public class StateStoreException extends RuntimeException {
    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
