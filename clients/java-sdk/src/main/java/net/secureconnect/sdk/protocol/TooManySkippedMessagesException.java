package net.secureconnect.sdk.protocol;

/** A message would need more than {@link DoubleRatchet#MAX_SKIP} message keys to be skipped: refused. */
public class TooManySkippedMessagesException extends InvalidMessageException {
    public TooManySkippedMessagesException(String message) {
        super(message);
    }
}
