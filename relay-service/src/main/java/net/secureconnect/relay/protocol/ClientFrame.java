package net.secureconnect.relay.protocol;

import java.util.List;

/** A frame a client sends. */
public sealed interface ClientFrame {

    /**
     * Send one envelope to every device of {@code to}.
     *
     * @param id       client-chosen envelope id (a UUID); a resend with the same id is accepted once
     * @param messages one ciphertext per recipient device
     * @param self     copies for the sender's own other devices, paid with the message (null when the frame had
     *                 no {@code self} field: then nothing is checked or copied; an empty list is checked)
     * @param kind     a message (charged per envelope) or call signalling (not charged; the call is metered)
     * @param callId   the call of a call-signalling envelope, null for a message
     */
    record Send(String id, String to, List<DeviceMessage> messages, List<DeviceMessage> self, EnvelopeKind kind,
                String callId) implements ClientFrame {
        public long ciphertextBytes() {
            long total = 0;
            for (DeviceMessage message : messages) {
                total += message.body().length;
            }
            if (self != null) {
                for (DeviceMessage message : self) {
                    total += message.body().length;
                }
            }
            return total;
        }
    }

    /**
     * One device's ciphertext.
     *
     * @param type the ciphertext type as the client wrote it (a JSON number or string), relayed verbatim
     * @param body opaque bytes (base64 on the wire)
     */
    record DeviceMessage(int deviceId, String type, byte[] body) {
    }

    /** The device has stored the delivered envelope {@code ackId}: the relay may drop it from the queue. */
    record Ack(String ackId) implements ClientFrame {
    }
}
