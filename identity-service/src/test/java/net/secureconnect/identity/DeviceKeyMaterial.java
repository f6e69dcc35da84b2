package net.secureconnect.identity;

import net.secureconnect.identity.crypto.SignedMessages;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client device holds: a real Ed25519 identity key pair, and the request bodies it would send,
 * signed as docs/identity.md prescribes (built here independently of the service's own code paths,
 * except for the label constants).
 */
public final class DeviceKeyMaterial {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final int KEM_KEY_BYTES = 1184;

    private final KeyPair identity;

    public DeviceKeyMaterial() {
        try {
            identity = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String identityKey() {
        return b64(raw(identity));
    }

    public byte[] identityKeyBytes() {
        return raw(identity);
    }

    public String sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(identity.getPrivate());
            signer.update(message);
            return b64(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A registration body: fresh agreement key and signed prekey, and a last-resort post-quantum key. */
    public Map<String, Object> registration(int registrationId) {
        byte[] agreement = x25519PublicKey();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("registrationId", registrationId);
        body.put("identityKey", identityKey());
        body.put("agreementKey", b64(agreement));
        body.put("agreementKeySignature", sign(label(SignedMessages.AGREEMENT_KEY_LABEL, agreement)));
        body.put("signedPrekey", signedPrekey(1));
        body.put("kemLastResortPrekey", kemPrekey(1));
        return body;
    }

    public Map<String, Object> signedPrekey(int keyId) {
        byte[] key = x25519PublicKey();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("keyId", keyId);
        body.put("publicKey", b64(key));
        body.put("signature", sign(label(SignedMessages.SIGNED_PREKEY_LABEL, key)));
        return body;
    }

    public Map<String, Object> kemPrekey(int keyId) {
        byte[] key = kemPublicKey();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("keyId", keyId);
        body.put("publicKey", b64(key));
        body.put("signature", sign(label(SignedMessages.KEM_PREKEY_LABEL, key)));
        return body;
    }

    public static List<Map<String, Object>> oneTimePrekeys(int firstId, int count) {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (int id = firstId; id < firstId + count; id++) {
            keys.add(Map.of("keyId", id, "publicKey", b64(x25519PublicKey())));
        }
        return keys;
    }

    public List<Map<String, Object>> kemPrekeys(int firstId, int count) {
        List<Map<String, Object>> keys = new ArrayList<>();
        for (int id = firstId; id < firstId + count; id++) {
            keys.add(kemPrekey(id));
        }
        return keys;
    }

    /** A real X25519 public key (the last 32 bytes of its X.509 encoding). */
    public static byte[] x25519PublicKey() {
        try {
            return raw(KeyPairGenerator.getInstance("X25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Bytes shaped like an ML-KEM-768 encapsulation key: 768 random coefficients below q packed as 12-bit
     * values, then a 32-byte seed. (The service checks only the form, so no real key pair is needed.)
     */
    public static byte[] kemPublicKey() {
        byte[] key = new byte[KEM_KEY_BYTES];
        for (int i = 0; i < 1152; i += 3) {
            int a = RANDOM.nextInt(3329);
            int b = RANDOM.nextInt(3329);
            key[i] = (byte) a;
            key[i + 1] = (byte) ((a >> 8) | ((b & 0x0F) << 4));
            key[i + 2] = (byte) (b >> 4);
        }
        byte[] rho = new byte[32];
        RANDOM.nextBytes(rho);
        System.arraycopy(rho, 0, key, 1152, 32);
        return key;
    }

    public static byte[] label(String label, byte[] key) {
        byte[] prefix = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] message = Arrays.copyOf(prefix, prefix.length + 1 + key.length);
        System.arraycopy(key, 0, message, prefix.length + 1, key.length);
        return message;
    }

    public static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] raw(KeyPair pair) {
        byte[] encoded = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }
}
