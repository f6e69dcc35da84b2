package net.secureconnect.relay.protocol;

/** Stable codes of {@code refused} frames: a well-formed {@code send} the relay will not carry. Nothing was stored. */
public enum RefusalCode {
    /** The envelope misses a device of the recipient or names one it does not have; {@code devices} lists them. */
    DEVICE_MISMATCH,
    /** The recipient has no devices the relay knows of (unknown or deleted account). */
    UNKNOWN_RECIPIENT,
    /** The sender's credits do not pay for the envelope (wallet refused, or the account is suspended). */
    INSUFFICIENT_CREDITS,
    /** The sender exceeded its envelopes/s or bytes/s limit; retry later. */
    RATE_LIMITED,
    /** Signalling for a call that has ended (hung up, or a minute could not be paid). */
    CALL_ENDED,
    /** The relay could not store the envelope or get the wallet's answer in time; retry with the same id. */
    UNAVAILABLE
}
