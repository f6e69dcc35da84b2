package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.crypto.Bytes;

import java.util.Arrays;

/**
 * The Double Ratchet header: sender's current ratchet public key, length of its previous sending chain,
 * number of this message in the current chain. Encoded as dh (32) ‖ pn (u32 BE) ‖ n (u32 BE), 40 bytes.
 */
public record MessageHeader(byte[] ratchetKey, long previousChainLength, long messageNumber) {

    public static final int BYTES = 40;

    public byte[] encode() {
        return Bytes.concat(ratchetKey, Bytes.u32(previousChainLength), Bytes.u32(messageNumber));
    }

    public static MessageHeader decode(byte[] data, int offset) {
        if (data.length - offset < BYTES) {
            throw new InvalidMessageException("message too short for its header");
        }
        return new MessageHeader(Arrays.copyOfRange(data, offset, offset + 32),
                Bytes.readU32(data, offset + 32), Bytes.readU32(data, offset + 36));
    }
}
