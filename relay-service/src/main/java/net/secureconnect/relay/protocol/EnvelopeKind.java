package net.secureconnect.relay.protocol;

import java.util.Arrays;
import java.util.Optional;

/** What an envelope carries, as far as the relay must know: a message (charged) or call signalling (not charged). */
public enum EnvelopeKind {
    MESSAGE("message"),
    CALL_OFFER("call-offer"),
    CALL_ANSWER("call-answer"),
    CALL_ICE("call-ice"),
    CALL_HANGUP("call-hangup");

    private final String wireName;

    EnvelopeKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean call() {
        return this != MESSAGE;
    }

    public static Optional<EnvelopeKind> byWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }
}
