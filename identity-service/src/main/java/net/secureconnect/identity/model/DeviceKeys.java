package net.secureconnect.identity.model;

/**
 * What a device registers (and replaces on re-registration): its identity, the X25519 agreement key
 * bound to it by a signature, and the prekeys every bundle needs.
 *
 * @param kemLastResort may be null
 */
public record DeviceKeys(int registrationId, byte[] identityKey, byte[] agreementKey, byte[] agreementKeySignature,
                         Prekeys.Signed signedPrekey, Prekeys.Kem kemLastResort) {
}
