package net.secureconnect.relay.protocol;

/**
 * Stable codes of {@code error} frames: the client sent something the relay cannot act on. The connection
 * stays open and nothing was stored. See docs/protocol.md.
 */
public enum FrameError {
    /** Not JSON, or not a JSON object. */
    MALFORMED_FRAME,
    /** A JSON object whose {@code type} is missing or not a client frame type. */
    UNKNOWN_FRAME,
    /** A known frame with a missing field, a field of the wrong type or an invalid value. */
    INVALID_FRAME,
    /** A ciphertext larger than the envelope limit, too many messages, or a frame too large to read. */
    OVERSIZE,
    /** A binary frame: the protocol uses text frames only. */
    BINARY_FRAME,
    /** Over the connection's frames or characters per second: the frame was dropped unread. */
    RATE_LIMITED
}
