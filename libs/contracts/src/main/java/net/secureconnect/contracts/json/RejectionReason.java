package net.secureconnect.contracts.json;

/** Why a record could not be decoded into an event; stable codes for dead-letter headers and alerts. */
public enum RejectionReason {
    /** No bytes, or only whitespace. */
    EMPTY_RECORD,
    /** Not UTF-8 JSON, not a single JSON object, or a key given twice. */
    MALFORMED_JSON,
    /** The {@code type} names no event this version knows. */
    UNKNOWN_TYPE,
    /** The {@code schemaVersion} is not the one this version reads for the type. */
    UNSUPPORTED_SCHEMA_VERSION,
    /** A required field (including {@code type} and {@code schemaVersion}) is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type, an unknown enum constant, or a value out of range. */
    INVALID_FIELD,
    /** A valid event of a type that does not belong on the topic it was read from. */
    WRONG_TOPIC
}
