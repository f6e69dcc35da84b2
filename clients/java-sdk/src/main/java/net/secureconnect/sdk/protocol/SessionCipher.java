package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.crypto.MlKem768;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.InvalidSignatureException;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.keys.SignedMessages;
import net.secureconnect.sdk.trust.TrustListener;
import net.secureconnect.sdk.trust.TrustStore;
import net.secureconnect.sdk.trust.UntrustedIdentityException;


/**
 * Encrypts and decrypts for peer devices: one session per {@link DeviceAddress}, set up by PQXDH from a
 * bundle (initiator) or from a prekey message (responder), then the Double Ratchet. Every identity key is
 * checked against its pin ({@link TrustStore}) before a session is created or used. Not thread-safe:
 * one instance per local device, used from one thread at a time (the store is not locked).
 */
public final class SessionCipher {

    private final ProtocolStore store;
    private final KeySource keys;
    private final TrustStore trust;

    public SessionCipher(ProtocolStore store) {
        this(store, KeySource.RANDOM, TrustListener.NONE);
    }

    public SessionCipher(ProtocolStore store, KeySource keys) {
        this(store, keys, TrustListener.NONE);
    }

    public SessionCipher(ProtocolStore store, KeySource keys, TrustListener trustListener) {
        this.store = store;
        this.keys = keys;
        this.trust = new TrustStore(store, trustListener);
    }

    /** Whether a usable (PQXDH) current session with the device exists; else {@link #startSession} first. */
    public boolean hasSession(DeviceAddress peer) {
        return store.session(peer).filter(s -> s.pq).isPresent();
    }

    public ProtocolStore store() {
        return store;
    }

    /** The pinning rules applied by this cipher (accept changes, verify, pinned keys for safety numbers). */
    public TrustStore trust() {
        return trust;
    }

    /**
     * Runs PQXDH against a peer's bundle and stores the new session, replacing any earlier one with that
     * device. Refusals, with nothing stored: {@link InvalidSignatureException} (a signature of the bundle does
     * not verify), {@link MissingPostQuantumKeyException} (no ML-KEM-768 prekey), {@link UntrustedIdentityException}
     * (identity key differs from the pin, or a new device of a verified contact).
     */
    public SessionState startSession(DeviceBundle bundle) {
        DeviceBundle peer = bundle.verified();
        if (peer.kemPrekey() == null) {
            throw new MissingPostQuantumKeyException(peer.address());
        }
        TrustStore.Decision decision = trust.check(peer.address(), peer.identityKey());
        LocalDevice self = store.localDevice();
        X3dh.Initiation x3dh = X3dh.initiate(self, peer, keys.nextX25519(), keys.kemEncapsulationRandomness());
        SessionState session = DoubleRatchet.initAlice(x3dh.sharedSecret(), peer.signedPrekey(), keys.nextX25519());
        session.associatedData = x3dh.associatedData();
        session.remoteIdentityKey = peer.identityKey().clone();
        session.baseKey = x3dh.ephemeral().publicKey().clone();
        session.pq = true;
        session.pendingPrekey = new SessionState.PendingPrekey(x3dh.signedPrekeyId(), x3dh.oneTimePrekeyId(), x3dh.kem());
        trust.commit(decision);
        store.storeSession(peer.address(), session);
        return session;
    }

    /**
     * Encrypts for a device with which a usable session exists ({@link IllegalStateException} otherwise); the
     * session's identity key is checked against the pin first ({@link UntrustedIdentityException}).
     */
    public byte[] encrypt(DeviceAddress peer, byte[] plaintext) {
        SessionRecord record = store.sessionRecord(peer).filter(r -> r.current().pq)
                .orElseThrow(() -> new IllegalStateException("no post-quantum session with " + peer));
        SessionState session = record.current();
        // Sessions made before pinning existed get their key pinned here (first use); a mismatch refuses.
        trust.checkAndPin(peer, session.remoteIdentityKey);
        DoubleRatchet.Encrypted encrypted = DoubleRatchet.encrypt(session, plaintext, keys.nextNonce());
        store.storeSessionRecord(peer, record);
        if (session.pendingPrekey == null) {
            return new WireMessage.Ratchet(encrypted.header(), encrypted.ciphertext()).encode();
        }
        LocalDevice self = store.localDevice();
        return new WireMessage.Prekey(self.identity().publicKey(), self.agreement().publicKey(),
                self.agreementSignature(), session.baseKey, session.pendingPrekey.signedPrekeyId(),
                session.pendingPrekey.oneTimePrekeyId(), session.pendingPrekey.kem(), encrypted.header(),
                encrypted.ciphertext()).encode();
    }

    /**
     * Decrypts a message from {@code peer}. Refusals, all leaving every stored state unchanged:
     * {@link InvalidMessageException} (malformed, tampered, unknown prekey), {@link DuplicateMessageException}
     * (replay), {@link TooManySkippedMessagesException}, {@link InvalidSignatureException} (setup message
     * whose agreement key is not signed by its identity key).
     */
    public byte[] decrypt(DeviceAddress peer, byte[] message) {
        WireMessage wire = WireMessage.decode(message);
        if (wire instanceof WireMessage.Prekey setup) {
            if (setup.kem() == null) {
                throw new DowngradeException("session setup from " + peer + " without post-quantum protection (X3DH) refused");
            }
            return decryptSetup(peer, setup);
        }
        SessionRecord record = store.sessionRecord(peer)
                .orElseThrow(() -> new InvalidMessageException("no session with " + peer));
        // An X3DH session (old state file) is never tried, so it can never become current again.
        java.util.List<SessionState> candidates = record.all().stream().filter(s -> s.pq).toList();
        if (candidates.isEmpty()) {
            throw new InvalidMessageException("no post-quantum session with " + peer);
        }
        return decryptInRecord(peer, record, candidates, wire);
    }

    /**
     * Tries the sessions in order (current first); the one that authenticates the message becomes current.
     * Failed attempts change nothing. A duplicate reported by any session wins over "does not authenticate".
     */
    private byte[] decryptInRecord(DeviceAddress peer, SessionRecord record, java.util.List<SessionState> candidates,
                                   WireMessage wire) {
        InvalidMessageException firstFailure = null;
        for (SessionState session : candidates) {
            try {
                byte[] plaintext = DoubleRatchet.decrypt(session, wire.header(), wire.ciphertext(), keys);
                record.promote(session);
                store.storeSessionRecord(peer, record);
                return plaintext;
            } catch (DuplicateMessageException e) {
                throw e;
            } catch (InvalidMessageException e) {
                if (firstFailure == null) {
                    firstFailure = e;
                }
            }
        }
        throw firstFailure;
    }

    private byte[] decryptSetup(DeviceAddress peer, WireMessage.Prekey setup) {
        var record = store.sessionRecord(peer);
        var existing = record.flatMap(r -> r.withBaseKey(setup.baseKey())).filter(s -> s.pq);
        if (existing.isPresent()) {
            // A later message of a session already set up (the initiator repeats the X3DH fields until it hears back).
            return decryptInRecord(peer, record.get(), java.util.List.of(existing.get()), setup);
        }
        if (store.isBaseKeyKnown(setup.signedPrekeyId(), setup.baseKey())) {
            throw new DuplicateMessageException("session setup with this base key already accepted");
        }
        if (!Sodium.verify(setup.identityKey(), SignedMessages.agreementKey(setup.agreementKey()),
                setup.agreementKeySignature())) {
            throw new InvalidSignatureException("agreement key of " + peer + " not signed by its identity key");
        }
        TrustStore.Decision decision = trust.check(peer, setup.identityKey());
        LocalDevice self = store.localDevice();
        var signedPrekey = self.signedPrekey(setup.signedPrekeyId())
                .orElseThrow(() -> new InvalidMessageException("unknown signed prekey " + setup.signedPrekeyId()));
        var oneTimePrekey = setup.oneTimePrekeyId() == null ? null : self.oneTimePrekey(setup.oneTimePrekeyId())
                .orElseThrow(() -> new InvalidMessageException("unknown or used one-time prekey " + setup.oneTimePrekeyId()));
        byte[] kemSecret = null;
        if (setup.kem() != null) {
            X3dh.KemUse kem = setup.kem();
            var kemKey = (kem.lastResort() ? self.kemLastResortPrekey(kem.keyId()) : self.kemOneTimePrekey(kem.keyId()))
                    .orElseThrow(() -> new InvalidMessageException("unknown or used post-quantum prekey " + kem.keyId()));
            kemSecret = MlKem768.decapsulate(kemKey.keyPair().seed(), kem.ciphertext());
        }
        byte[] secret = X3dh.respond(self, setup.agreementKey(), setup.baseKey(), signedPrekey.keyPair(), oneTimePrekey,
                kemSecret);
        SessionState session = DoubleRatchet.initBob(secret, signedPrekey.keyPair());
        session.associatedData = X3dh.associatedData(setup.identityKey(), setup.agreementKey(),
                self.identity().publicKey(), self.agreement().publicKey());
        session.remoteIdentityKey = setup.identityKey().clone();
        session.baseKey = setup.baseKey().clone();
        session.pq = true;
        byte[] plaintext = DoubleRatchet.decrypt(session, setup.header(), setup.ciphertext(), keys);

        // Authenticated: now commit (one-time prekey gone, base key remembered, session stored).
        boolean keysChanged = false;
        if (setup.oneTimePrekeyId() != null) {
            self.consumeOneTimePrekey(setup.oneTimePrekeyId());
            keysChanged = true;
        }
        if (setup.kem() != null && !setup.kem().lastResort()) {
            self.consumeKemOneTimePrekey(setup.kem().keyId());
            keysChanged = true;
        }
        if (keysChanged) {
            store.localDeviceChanged();
        }
        store.rememberBaseKey(setup.signedPrekeyId(), setup.baseKey());
        trust.commit(decision);
        store.storeSession(peer, session);
        return plaintext;
    }
}
