package net.secureconnect.sdk.messaging;

import net.secureconnect.sdk.relay.RelayFrames;

import java.util.List;

/** Where envelopes go: the relay ({@link net.secureconnect.sdk.relay.RelayClient}), or a fake in tests. */
public interface EnvelopeTransport {

    /**
     * Sends one envelope: {@code messages} for the devices of {@code to} and, unless null, {@code self} copies for
     * this account's other devices (one envelope, one price).
     *
     * @return whether it was a duplicate of an envelope already accepted; refusals are {@code RelayException}s
     */
    boolean send(String id, String to, List<RelayFrames.OutgoingMessage> messages,
                 List<RelayFrames.OutgoingMessage> self);

    void ack(String ackId);
}
