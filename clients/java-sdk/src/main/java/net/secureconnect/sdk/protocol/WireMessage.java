package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.crypto.Bytes;

import java.util.Arrays;

/**
 * The bytes of one encrypted message for one device (docs/protocol-crypto.md §5):
 * <pre>
 * ratchet message:  0x01 ‖ header (64) ‖ ciphertext
 * prekey message:   0x02 ‖ IK_A (32) ‖ AK_A (32) ‖ sig_A(AK_A) (64) ‖ EK_A (32) ‖ spkId (u32)
 *                        ‖ opkId (u32, 0xFFFFFFFF = none) ‖ header (64) ‖ ciphertext
 * pqxdh message:    0x03 ‖ the prekey fields above ‖ kemKind (1: 0 one-time, 1 last-resort) ‖ kemId (u32)
 *                        ‖ ML-KEM-768 ciphertext (1088) ‖ header (64) ‖ ciphertext
 * </pre>
 */
public sealed interface WireMessage {

    byte RATCHET = 0x01;
    byte PREKEY = 0x02;
    byte PQ_PREKEY = 0x03;
    int KEM_FIELDS_BYTES = 1 + 4 + 1088;
    long NO_ONE_TIME_PREKEY = 0xFFFFFFFFL;
    int PREKEY_FIELDS_BYTES = 32 + 32 + 64 + 32 + 4 + 4;

    MessageHeader header();

    byte[] ciphertext();

    byte[] encode();

    record Ratchet(MessageHeader header, byte[] ciphertext) implements WireMessage {
        @Override
        public byte[] encode() {
            return Bytes.concat(new byte[] {RATCHET}, header.encode(), ciphertext);
        }
    }

    /** A session-setup message; {@code kem} is null for plain X3DH (type 0x02), present for PQXDH (0x03). */
    record Prekey(byte[] identityKey, byte[] agreementKey, byte[] agreementKeySignature, byte[] baseKey,
                  int signedPrekeyId, Integer oneTimePrekeyId, X3dh.KemUse kem, MessageHeader header, byte[] ciphertext)
            implements WireMessage {
        @Override
        public byte[] encode() {
            byte[] kemFields = kem == null ? new byte[0]
                    : Bytes.concat(new byte[] {(byte) (kem.lastResort() ? 1 : 0)}, Bytes.u32(kem.keyId()), kem.ciphertext());
            return Bytes.concat(new byte[] {kem == null ? PREKEY : PQ_PREKEY}, identityKey, agreementKey,
                    agreementKeySignature, baseKey, Bytes.u32(signedPrekeyId),
                    Bytes.u32(oneTimePrekeyId == null ? NO_ONE_TIME_PREKEY : oneTimePrekeyId), kemFields,
                    header.encode(), ciphertext);
        }
    }

    static WireMessage decode(byte[] data) {
        if (data.length < 1) {
            throw new InvalidMessageException("empty message");
        }
        switch (data[0]) {
            case RATCHET -> {
                MessageHeader header = MessageHeader.decode(data, 1);
                return new Ratchet(header, Arrays.copyOfRange(data, 1 + MessageHeader.BYTES, data.length));
            }
            case PREKEY, PQ_PREKEY -> {
                boolean pq = data[0] == PQ_PREKEY;
                if (data.length < 1 + PREKEY_FIELDS_BYTES + (pq ? KEM_FIELDS_BYTES : 0) + MessageHeader.BYTES) {
                    throw new InvalidMessageException("prekey message too short");
                }
                int at = 1;
                byte[] ik = Arrays.copyOfRange(data, at, at += 32);
                byte[] ak = Arrays.copyOfRange(data, at, at += 32);
                byte[] sig = Arrays.copyOfRange(data, at, at += 64);
                byte[] ek = Arrays.copyOfRange(data, at, at += 32);
                long spk = Bytes.readU32(data, at);
                long opk = Bytes.readU32(data, at + 4);
                at += 8;
                X3dh.KemUse kem = null;
                if (pq) {
                    if (data[at] != 0 && data[at] != 1) {
                        throw new InvalidMessageException("unknown KEM prekey kind");
                    }
                    long kemId = Bytes.readU32(data, at + 1);
                    if (kemId > 0xFFFFFF) {
                        throw new InvalidMessageException("prekey id out of range");
                    }
                    kem = new X3dh.KemUse((int) kemId, data[at] == 1, Arrays.copyOfRange(data, at + 5, at + KEM_FIELDS_BYTES));
                    at += KEM_FIELDS_BYTES;
                }
                MessageHeader header = MessageHeader.decode(data, at);
                at += MessageHeader.BYTES;
                if (spk > 0xFFFFFF || (opk != NO_ONE_TIME_PREKEY && opk > 0xFFFFFF)) {
                    throw new InvalidMessageException("prekey id out of range");
                }
                return new Prekey(ik, ak, sig, ek, (int) spk, opk == NO_ONE_TIME_PREKEY ? null : (int) opk, kem, header,
                        Arrays.copyOfRange(data, at, data.length));
            }
            default -> throw new InvalidMessageException("unknown message type " + data[0]);
        }
    }
}
