package net.secureconnect.sdk.protocol;

/** A message whose key was already used (a replay or a duplicate delivery): refused, state unchanged. */
public class DuplicateMessageException extends InvalidMessageException {
    public DuplicateMessageException(String message) {
        super(message);
    }
}
