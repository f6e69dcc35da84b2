package net.secureconnect.sdk.keys;

import net.secureconnect.sdk.crypto.Bytes;

/**
 * What a device's identity key signs (docs/identity.md): a fixed ASCII label, one zero byte, then the
 * key. The same bytes identity-service checks; a signature made for one purpose is valid for no other.
 */
public final class SignedMessages {

    public static final String AGREEMENT_KEY_LABEL = "SecureConnect agreement key v1";
    public static final String SIGNED_PREKEY_LABEL = "SecureConnect signed prekey v1";
    public static final String KEM_PREKEY_LABEL = "SecureConnect kem prekey v1";

    private SignedMessages() {
    }

    public static byte[] agreementKey(byte[] key) {
        return labelled(AGREEMENT_KEY_LABEL, key);
    }

    public static byte[] signedPrekey(byte[] key) {
        return labelled(SIGNED_PREKEY_LABEL, key);
    }

    public static byte[] kemPrekey(byte[] key) {
        return labelled(KEM_PREKEY_LABEL, key);
    }

    private static byte[] labelled(String label, byte[] key) {
        return Bytes.concat(Bytes.ascii(label), new byte[] {0}, key);
    }
}
