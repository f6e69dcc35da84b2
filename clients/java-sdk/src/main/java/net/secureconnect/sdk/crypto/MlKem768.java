package net.secureconnect.sdk.crypto;

import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMExtractor;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMGenerator;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPublicKeyParameters;

/**
 * ML-KEM-768 (FIPS 203) from Bouncy Castle's lightweight API, the one primitive libsodium lacks. Private
 * keys are kept as the 64-byte seed d ‖ z (FIPS 203 ML-KEM.KeyGen_internal); all randomness (seed,
 * encapsulation message m) comes from libsodium's randombytes_buf.
 */
public final class MlKem768 {

    public static final int PUBLIC_KEY_BYTES = 1184;
    public static final int CIPHERTEXT_BYTES = 1088;
    public static final int SEED_BYTES = 64;
    public static final int SHARED_SECRET_BYTES = 32;
    private static final int Q = 3329;

    private MlKem768() {
    }

    /** An encapsulation key and the seed its decapsulation key is derived from. */
    public record KeyPair(byte[] publicKey, byte[] seed) {
    }

    public record Encapsulation(byte[] ciphertext, byte[] sharedSecret) {
    }

    public static KeyPair generate() {
        return fromSeed(Sodium.randomBytes(SEED_BYTES));
    }

    public static KeyPair fromSeed(byte[] seed) {
        Sodium.requireLength(seed, SEED_BYTES, "ML-KEM-768 seed");
        MLKEMPrivateKeyParameters key = new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_768, seed);
        return new KeyPair(key.getPublicKey(), seed.clone());
    }

    public static Encapsulation encapsulate(byte[] publicKey) {
        return encapsulate(publicKey, Sodium.randomBytes(32));
    }

    /** ML-KEM.Encaps_internal(ek, m) with a given 32-byte m (test vectors); refuses a key failing the modulus check. */
    public static Encapsulation encapsulate(byte[] publicKey, byte[] m) {
        if (!isWellFormedEncapsulationKey(publicKey)) {
            throw new InvalidKeyException("not an ML-KEM-768 encapsulation key");
        }
        Sodium.requireLength(m, 32, "ML-KEM encapsulation randomness");
        SecretWithEncapsulation result = MLKEMGenerator.internalGenerateEncapsulated(
                new MLKEMPublicKeyParameters(MLKEMParameters.ml_kem_768, publicKey), m);
        return new Encapsulation(result.getEncapsulation(), result.getSecret());
    }

    /** ML-KEM.Decaps; a tampered ciphertext yields an unrelated secret (implicit rejection), never an error. */
    public static byte[] decapsulate(byte[] seed, byte[] ciphertext) {
        Sodium.requireLength(ciphertext, CIPHERTEXT_BYTES, "ML-KEM-768 ciphertext");
        MLKEMPrivateKeyParameters key = new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_768, seed);
        return new MLKEMExtractor(key).extractSecret(ciphertext);
    }

    /** FIPS 203 §7.2 modulus check: the 768 packed 12-bit coefficients are all below q (as identity-service checks). */
    public static boolean isWellFormedEncapsulationKey(byte[] key) {
        if (key == null || key.length != PUBLIC_KEY_BYTES) {
            return false;
        }
        for (int i = 0; i < 1152; i += 3) {
            int b0 = key[i] & 0xFF;
            int b1 = key[i + 1] & 0xFF;
            int b2 = key[i + 2] & 0xFF;
            if ((b0 | ((b1 & 0x0F) << 8)) >= Q || ((b1 >> 4) | (b2 << 4)) >= Q) {
                return false;
            }
        }
        return true;
    }
}
