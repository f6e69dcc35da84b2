package net.secureconnect.contracts;

/**
 * Header names on a record copied to a dead-letter topic. Values are UTF-8 strings.
 * The source and detail names are those SmallRye Reactive Messaging's dead-letter-queue strategy
 * writes, so records dead-lettered by the framework and by our own code read the same.
 */
public final class DeadLetterHeaders {

    /** A {@code RejectionReason} constant name (e.g. {@code UNKNOWN_TYPE}), stable for alerts and tooling. */
    public static final String REASON_CODE = "dead-letter-reason-code";
    /** Human-readable detail; never contains message content. */
    public static final String DETAIL = "dead-letter-reason";
    public static final String SOURCE_TOPIC = "dead-letter-topic";
    public static final String SOURCE_PARTITION = "dead-letter-partition";
    public static final String SOURCE_OFFSET = "dead-letter-offset";

    private DeadLetterHeaders() {
    }
}
