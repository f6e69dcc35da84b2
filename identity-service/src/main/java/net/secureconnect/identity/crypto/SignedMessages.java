package net.secureconnect.identity.crypto;

import java.nio.charset.StandardCharsets;

/**
 * What a device's identity key signs: a fixed label, a zero byte, then the key. The label makes a
 * signature valid for one purpose only (a signed prekey signature is never an agreement-key binding).
 * Clients build the same bytes; docs/identity.md lists them.
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

    static byte[] labelled(String label, byte[] key) {
        byte[] prefix = label.getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[prefix.length + 1 + key.length];
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        message[prefix.length] = 0;
        System.arraycopy(key, 0, message, prefix.length + 1, key.length);
        return message;
    }
}
