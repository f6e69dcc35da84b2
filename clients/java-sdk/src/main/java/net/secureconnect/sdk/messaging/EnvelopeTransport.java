package net.secureconnect.sdk.messaging;

import net.secureconnect.sdk.relay.RelayFrames;

import java.util.List;

/** Where envelopes go: the relay ({@link net.secureconnect.sdk.relay.RelayClient}), or a fake in tests. */
public interface EnvelopeTransport {

    /** @return whether it was a duplicate of an envelope already accepted; refusals are {@code RelayException}s */
    boolean send(String id, String to, List<RelayFrames.OutgoingMessage> messages);

    void ack(String ackId);
}
