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
    /** Signalling for a call that has ended (hung up, not answered in time, or a minute could not be paid). */
    CALL_ENDED,
    /** call-answer, call-ice or call-hangup for a call that does not exist between the sender and {@code to}. */
    CALL_NOT_FOUND,
    /** The call exists but the sender is not the party allowed to send this (e.g. an answer not from the callee). */
    NOT_A_CALL_PARTY,
    /** A call-offer with a call id the sender used already; offer again with a new call id. */
    CALL_EXISTS,
    /** A call-answer for a call that was answered already (by another device of the callee). */
    CALL_ANSWERED,
    /** Signalling body larger than the signalling limit, or the call's signalling count is used up. */
    SIGNALLING_LIMIT,
    /** The relay could not store the envelope or get the wallet's answer in time; retry with the same id. */
    UNAVAILABLE
}
