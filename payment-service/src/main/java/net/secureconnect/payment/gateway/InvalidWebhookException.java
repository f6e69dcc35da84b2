package net.secureconnect.payment.gateway;

/** A webhook that failed verification or could not be read; nothing of it may be recorded. */
public class InvalidWebhookException extends Exception {

    private final String code;

    public InvalidWebhookException(String code, String detail) {
        super(detail);
        this.code = code;
    }

    /** Stable problem code: INVALID_SIGNATURE, STALE_WEBHOOK, MALFORMED_WEBHOOK. */
    public String code() {
        return code;
    }
}
