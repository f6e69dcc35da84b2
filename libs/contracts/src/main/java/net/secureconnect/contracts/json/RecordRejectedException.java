package net.secureconnect.contracts.json;

/**
 * A record that is not a valid event. Thrown by {@link DecodeResult#orElseThrow()} and the Kafka
 * deserializer; the reason and detail belong in the dead-letter headers.
 */
public class RecordRejectedException extends RuntimeException {

    private final RejectionReason reason;
    private final String detail;

    public RecordRejectedException(RejectionReason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
        this.detail = detail;
    }

    public RejectionReason reason() {
        return reason;
    }

    public String detail() {
        return detail;
    }
}
