package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.crypto.AuthenticationException;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.Hkdf;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.crypto.X25519KeyPair;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Double Ratchet (Signal's specification, revision 1) on X25519, HKDF-SHA256 / HMAC-SHA256 chains
 * and XChaCha20-Poly1305. docs/protocol-crypto.md §4 gives every input. Decryption is all-or-nothing:
 * a message that does not authenticate leaves the session exactly as it was.
 */
public final class DoubleRatchet {

    /** At most this many message keys are skipped for one message, and at most this many are kept. */
    public static final int MAX_SKIP = 2000;

    public static final byte[] ROOT_INFO = Bytes.ascii("SecureConnect Ratchet v1");
    public static final byte[] MESSAGE_KEY_INFO = Bytes.ascii("SecureConnect MessageKeys v2");
    private static final byte[] MESSAGE_KEY_CONSTANT = {0x01};
    private static final byte[] CHAIN_KEY_CONSTANT = {0x02};

    private DoubleRatchet() {
    }

    /** KDF_RK: HKDF(salt = rk, IKM = dh_out, info = ROOT_INFO, 64) → (new rk, chain key). */
    public static byte[][] kdfRoot(byte[] rootKey, byte[] dhOutput) {
        byte[] out = Hkdf.derive(rootKey, dhOutput, ROOT_INFO, 64);
        return new byte[][] {Arrays.copyOfRange(out, 0, 32), Arrays.copyOfRange(out, 32, 64)};
    }

    /** KDF_CK: message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02). Returns {next ck, mk}. */
    public static byte[][] kdfChain(byte[] chainKey) {
        return new byte[][] {Hkdf.hmacSha256(chainKey, CHAIN_KEY_CONSTANT), Hkdf.hmacSha256(chainKey, MESSAGE_KEY_CONSTANT)};
    }

    /**
     * Message key → AEAD key: HKDF(salt = 32 zero bytes, IKM = mk, info = MESSAGE_KEY_INFO, 32). The nonce is
     * not derived but random per message and sent in the header: a state rolled back (a restored backup) that
     * re-derives a used message key still never repeats a (key, nonce) pair.
     */
    public static byte[] messageKey(byte[] messageKey) {
        return Hkdf.derive(new byte[32], messageKey, MESSAGE_KEY_INFO, 32);
    }

    /** Alice, after X3DH: RatchetInitAlice(SK, SPK_B). */
    public static SessionState initAlice(byte[] sharedSecret, byte[] bobRatchetKey, X25519KeyPair ratchetKey) {
        SessionState s = new SessionState();
        s.dhs = ratchetKey;
        s.dhr = bobRatchetKey.clone();
        byte[][] rootAndChain = kdfRoot(sharedSecret, Sodium.x25519(ratchetKey.privateKey(), bobRatchetKey));
        s.rk = rootAndChain[0];
        s.cks = rootAndChain[1];
        return s;
    }

    /** Bob, after X3DH: RatchetInitBob(SK, SPK_B key pair). */
    public static SessionState initBob(byte[] sharedSecret, X25519KeyPair signedPrekey) {
        SessionState s = new SessionState();
        s.dhs = signedPrekey;
        s.rk = sharedSecret.clone();
        return s;
    }

    public record Encrypted(MessageHeader header, byte[] ciphertext) {
    }

    /** RatchetEncrypt: ciphertext = XChaCha20-Poly1305(key(mk), header.nonce, plaintext, AD ‖ header). */
    public static Encrypted encrypt(SessionState s, byte[] plaintext, byte[] nonce) {
        if (s.cks == null) {
            throw new IllegalStateException("no sending chain yet: a responder must receive before it sends");
        }
        byte[][] next = kdfChain(s.cks);
        MessageHeader header = new MessageHeader(s.dhs.publicKey(), s.pn, s.ns, nonce);
        byte[] ciphertext = seal(next[1], plaintext, s.associatedData, header);
        s.cks = next[0];
        s.ns++;
        return new Encrypted(header, ciphertext);
    }

    /**
     * RatchetDecrypt. Throws {@link DuplicateMessageException} for a message key already used,
     * {@link TooManySkippedMessagesException} beyond {@link #MAX_SKIP}, {@link InvalidMessageException}
     * for anything that does not authenticate; in each case the state is unchanged.
     */
    public static byte[] decrypt(SessionState s, MessageHeader header, byte[] ciphertext, KeySource keys) {
        String id = SessionState.skippedId(header.ratchetKey(), header.messageNumber());
        byte[] skippedKey = s.skipped.get(id);
        if (skippedKey != null) {
            byte[] plaintext = open(skippedKey, ciphertext, s.associatedData, header);
            s.skipped.remove(id);
            s.pendingPrekey = null;
            return plaintext;
        }

        // Work on copies; commit only after the AEAD tag verified.
        Map<String, byte[]> newSkipped = new LinkedHashMap<>();
        byte[] rk = s.rk;
        byte[] ckr = s.ckr;
        long nr = s.nr;
        byte[] dhr = s.dhr;
        X25519KeyPair dhs = s.dhs;
        byte[] cks = s.cks;
        long ns = s.ns;
        long pn = s.pn;

        boolean newRatchetKey = dhr == null || !Arrays.equals(header.ratchetKey(), dhr);
        if (newRatchetKey && s.previousRemoteRatchetKeys.stream().anyMatch(k -> Arrays.equals(k, header.ratchetKey()))) {
            throw new DuplicateMessageException("message on an earlier ratchet key already received or expired");
        }
        if (newRatchetKey) {
            // Skip what is left of the current receiving chain, then a DH ratchet step.
            if (ckr != null) {
                ckr = skip(ckr, dhr, nr, header.previousChainLength(), newSkipped);
            }
            pn = ns;
            ns = 0;
            nr = 0;
            dhr = header.ratchetKey();
            byte[][] recv = kdfRoot(rk, Sodium.x25519(dhs.privateKey(), dhr));
            rk = recv[0];
            ckr = recv[1];
            dhs = keys.nextX25519();
            byte[][] send = kdfRoot(rk, Sodium.x25519(dhs.privateKey(), dhr));
            rk = send[0];
            cks = send[1];
        } else if (header.messageNumber() < nr) {
            throw new DuplicateMessageException("message " + header.messageNumber() + " already received or expired");
        }
        ckr = skip(ckr, dhr, nr, header.messageNumber(), newSkipped);
        nr = header.messageNumber();
        byte[][] next = kdfChain(ckr);
        byte[] plaintext = open(next[1], ciphertext, s.associatedData, header);

        if (newRatchetKey && s.dhr != null) {
            s.previousRemoteRatchetKeys.add(s.dhr);
            if (s.previousRemoteRatchetKeys.size() > SessionState.PREVIOUS_RATCHET_KEYS) {
                // Skipped keys expire with their chain: 8 DH steps later nobody is waiting for those messages.
                String expired = Bytes.hex(s.previousRemoteRatchetKeys.remove(0)) + "/";
                s.skipped.keySet().removeIf(skippedId -> skippedId.startsWith(expired));
            }
        }
        s.rk = rk;
        s.ckr = next[0];
        s.nr = nr + 1;
        s.dhr = dhr;
        s.dhs = dhs;
        s.cks = cks;
        s.ns = ns;
        s.pn = pn;
        newSkipped.forEach(s::addSkipped);
        s.pendingPrekey = null;
        return plaintext;
    }

    /** SkipMessageKeys on a copy: returns the advanced chain key, collects the skipped message keys. */
    private static byte[] skip(byte[] chainKey, byte[] dh, long from, long until, Map<String, byte[]> into) {
        if (until < from) {
            return chainKey;
        }
        if (until - from > MAX_SKIP) {
            throw new TooManySkippedMessagesException("would skip " + (until - from) + " message keys (bound "
                    + MAX_SKIP + ")");
        }
        byte[] ck = chainKey;
        for (long n = from; n < until; n++) {
            byte[][] next = kdfChain(ck);
            into.put(SessionState.skippedId(dh, n), next[1]);
            ck = next[0];
        }
        return ck;
    }

    static byte[] seal(byte[] messageKey, byte[] plaintext, byte[] associatedData, MessageHeader header) {
        return Sodium.aeadEncrypt(messageKey(messageKey), header.nonce(), plaintext, Bytes.concat(associatedData, header.encode()));
    }

    static byte[] open(byte[] messageKey, byte[] ciphertext, byte[] associatedData, MessageHeader header) {

        try {
            return Sodium.aeadDecrypt(messageKey(messageKey), header.nonce(), ciphertext, Bytes.concat(associatedData, header.encode()));
        } catch (AuthenticationException e) {
            throw new InvalidMessageException("message does not authenticate", e);
        }
    }
}
