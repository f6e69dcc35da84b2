package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.Hkdf;
import net.secureconnect.sdk.crypto.MlKem768;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.crypto.X25519KeyPair;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.LocalDevice;

import java.util.Arrays;

/**
 * X3DH (Signal's specification, revision 1) with identity-service's key layout: the Diffie-Hellman
 * identity key is the device's X25519 agreement key, bound by an Ed25519 signature of the identity
 * key; curve X25519, hash SHA-256, info "SecureConnect X3DH v1". docs/protocol-crypto.md §3.
 */
public final class X3dh {

    public static final byte[] INFO = Bytes.ascii("SecureConnect X3DH v1");
    /** Info of the hybrid (PQXDH) derivation, which adds the ML-KEM-768 shared secret. */
    public static final byte[] PQ_INFO = Bytes.ascii("SecureConnect PQXDH v1");
    /** F: 32 0xFF bytes before the DH outputs (X3DH §2.2, curve X25519). */
    private static final byte[] F = filled(32, (byte) 0xFF);
    /** HKDF salt: a zero-filled byte sequence as long as the hash output. */
    private static final byte[] SALT = new byte[32];
    public static final int SECRET_BYTES = 32;

    private X3dh() {
    }

    /** What the initiator derives and must send: the ephemeral public key, the prekey ids it used, the KEM ciphertext. */
    public record Initiation(byte[] sharedSecret, byte[] associatedData, X25519KeyPair ephemeral,
                             int signedPrekeyId, Integer oneTimePrekeyId, KemUse kem) {
    }

    /** The post-quantum part of a PQXDH setup: which KEM prekey, and the ciphertext for it. */
    public record KemUse(int keyId, boolean lastResort, byte[] ciphertext) {
    }

    /**
     * Alice's side against Bob's bundle, whose signatures the caller has verified
     * ({@link DeviceBundle#verified()}). DH1 = DH(AK_A, SPK_B), DH2 = DH(EK_A, AK_B),
     * DH3 = DH(EK_A, SPK_B), DH4 = DH(EK_A, OPK_B) when the bundle has a one-time prekey.
     */
    public static Initiation initiate(LocalDevice self, DeviceBundle peer, X25519KeyPair ephemeral) {
        return initiate(self, peer, ephemeral, null);
    }

    /**
     * With a post-quantum prekey in the bundle this is PQXDH: (CT, SS) = ML-KEM-768.Encaps(PQPK_B) and
     * SK = HKDF(F ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4] ‖ SS, info = PQ_INFO). {@code kemRandomness} (32 bytes) is
     * for test vectors; null means random.
     */
    public static Initiation initiate(LocalDevice self, DeviceBundle peer, X25519KeyPair ephemeral, byte[] kemRandomness) {
        byte[] dh1 = Sodium.x25519(self.agreement().privateKey(), peer.signedPrekey());
        byte[] dh2 = Sodium.x25519(ephemeral.privateKey(), peer.agreementKey());
        byte[] dh3 = Sodium.x25519(ephemeral.privateKey(), peer.signedPrekey());
        byte[] ikm = peer.oneTimePrekey() == null
                ? Bytes.concat(F, dh1, dh2, dh3)
                : Bytes.concat(F, dh1, dh2, dh3, Sodium.x25519(ephemeral.privateKey(), peer.oneTimePrekey()));
        KemUse kem = null;
        byte[] info = INFO;
        if (peer.kemPrekey() != null) {
            MlKem768.Encapsulation encapsulation = kemRandomness == null ? MlKem768.encapsulate(peer.kemPrekey())
                    : MlKem768.encapsulate(peer.kemPrekey(), kemRandomness);
            ikm = Bytes.concat(ikm, encapsulation.sharedSecret());
            info = PQ_INFO;
            kem = new KemUse(peer.kemPrekeyId(), peer.kemLastResort(), encapsulation.ciphertext());
        }
        byte[] secret = Hkdf.derive(SALT, ikm, info, SECRET_BYTES);
        byte[] ad = associatedData(self.identity().publicKey(), self.agreement().publicKey(),
                peer.identityKey(), peer.agreementKey());
        return new Initiation(secret, ad, ephemeral, peer.signedPrekeyId(), peer.oneTimePrekeyId(), kem);
    }

    /** Bob's side: the same secret from his private keys and Alice's public ones. */
    public static byte[] respond(LocalDevice self, byte[] initiatorAgreementKey, byte[] ephemeralPublic,
                                 X25519KeyPair signedPrekey, X25519KeyPair oneTimePrekey) {
        return respond(self, initiatorAgreementKey, ephemeralPublic, signedPrekey, oneTimePrekey, null);
    }

    /** Bob's side of PQXDH when {@code kemSharedSecret} (ML-KEM-768.Decaps of Alice's ciphertext) is given. */
    public static byte[] respond(LocalDevice self, byte[] initiatorAgreementKey, byte[] ephemeralPublic,
                                 X25519KeyPair signedPrekey, X25519KeyPair oneTimePrekey, byte[] kemSharedSecret) {
        byte[] dh1 = Sodium.x25519(signedPrekey.privateKey(), initiatorAgreementKey);
        byte[] dh2 = Sodium.x25519(self.agreement().privateKey(), ephemeralPublic);
        byte[] dh3 = Sodium.x25519(signedPrekey.privateKey(), ephemeralPublic);
        byte[] ikm = oneTimePrekey == null
                ? Bytes.concat(F, dh1, dh2, dh3)
                : Bytes.concat(F, dh1, dh2, dh3, Sodium.x25519(oneTimePrekey.privateKey(), ephemeralPublic));
        if (kemSharedSecret != null) {
            return Hkdf.derive(SALT, Bytes.concat(ikm, kemSharedSecret), PQ_INFO, SECRET_BYTES);
        }
        return Hkdf.derive(SALT, ikm, INFO, SECRET_BYTES);
    }

    /**
     * AD = IK_A ‖ AK_A ‖ IK_B ‖ AK_B (128 bytes; A is the initiator): both identity keys and both agreement
     * keys, so every message of the session is bound to the two devices' identities.
     */
    public static byte[] associatedData(byte[] initiatorIdentity, byte[] initiatorAgreement,
                                        byte[] responderIdentity, byte[] responderAgreement) {
        return Bytes.concat(initiatorIdentity, initiatorAgreement, responderIdentity, responderAgreement);
    }

    private static byte[] filled(int length, byte value) {
        byte[] out = new byte[length];
        Arrays.fill(out, value);
        return out;
    }
}
