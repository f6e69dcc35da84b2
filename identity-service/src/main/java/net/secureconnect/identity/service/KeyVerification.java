package net.secureconnect.identity.service;

import net.secureconnect.identity.crypto.Ed25519;
import net.secureconnect.identity.crypto.SignedMessages;
import net.secureconnect.identity.model.DeviceKeys;
import net.secureconnect.identity.model.Prekeys;

import java.util.List;

/** Checks that every signed key was signed by the device's identity key; 422 naming the first that was not. */
final class KeyVerification {

    private KeyVerification() {
    }

    static void verifyRegistration(DeviceKeys keys) {
        if (keys.kemLastResort() == null) {
            // Post-quantum is not optional (docs/protocol-crypto.md §3): every bundle must be able to carry a KEM prekey.
            throw IdentityProblems.kemPrekeyRequired();
        }
        if (!Ed25519.verify(keys.identityKey(), SignedMessages.agreementKey(keys.agreementKey()),
                keys.agreementKeySignature())) {
            throw IdentityProblems.invalidSignature("agreementKeySignature");
        }
        verifySignedPrekey(keys.identityKey(), keys.signedPrekey(), "signedPrekey.signature");
        verifyKem(keys.identityKey(), keys.kemLastResort(), "kemLastResortPrekey.signature");
    }

    static void verifySignedPrekey(byte[] identityKey, Prekeys.Signed prekey, String field) {
        if (!Ed25519.verify(identityKey, SignedMessages.signedPrekey(prekey.publicKey()), prekey.signature())) {
            throw IdentityProblems.invalidSignature(field);
        }
    }

    static void verifyKem(byte[] identityKey, Prekeys.Kem prekey, String field) {
        if (!Ed25519.verify(identityKey, SignedMessages.kemPrekey(prekey.publicKey()), prekey.signature())) {
            throw IdentityProblems.invalidSignature(field);
        }
    }

    static void verifyKems(byte[] identityKey, List<Prekeys.Kem> prekeys, String field) {
        for (int i = 0; i < prekeys.size(); i++) {
            verifyKem(identityKey, prekeys.get(i), field + "[" + i + "].signature");
        }
    }
}
