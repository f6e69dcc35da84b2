package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.crypto.Bytes;

import java.util.Arrays;

/**
 * The Double Ratchet header: sender's current ratchet public key, length of its previous sending chain,
 * number of this message in the current chain, and the message's random AEAD nonce. Encoded as
 * dh (32) ‖ pn (u32 BE) ‖ n (u32 BE) ‖ nonce (24), 64 bytes; the whole header is part of the AEAD's
 * associated data, so the nonce is bound to the message (docs/protocol-crypto.md §4).
 */
public record MessageHeader(byte[] ratchetKey, long previousChainLength, long messageNumber, byte[] nonce) {

    public static final int NONCE_BYTES = 24;
    public static final int BYTES = 32 + 4 + 4 + NONCE_BYTES;

    public MessageHeader {
        if (nonce == null || nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a header nonce is 24 bytes");
        }
    }

    public byte[] encode() {
        return Bytes.concat(ratchetKey, Bytes.u32(previousChainLength), Bytes.u32(messageNumber), nonce);
    }

    public static MessageHeader decode(byte[] data, int offset) {
        if (data.length - offset < BYTES) {
            throw new InvalidMessageException("message too short for its header");
        }
        return new MessageHeader(Arrays.copyOfRange(data, offset, offset + 32),
                Bytes.readU32(data, offset + 32), Bytes.readU32(data, offset + 36),
                Arrays.copyOfRange(data, offset + 40, offset + BYTES));
    }
}
