package net.secureconnect.relay.protocol;

/** A client frame that cannot be acted upon; answered with an {@code error} frame. */
public class FrameException extends Exception {

    private final FrameError code;
    private final String id;

    public FrameException(FrameError code, String detail, String id) {
        super(detail, null, false, false);
        this.code = code;
        this.id = id;
    }

    public FrameError code() {
        return code;
    }

    /** The frame's {@code id} when it could be read, so the client can match the error to its request. */
    public String id() {
        return id;
    }
}
