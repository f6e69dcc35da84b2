package net.secureconnect.sdk.crypto;

import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.interfaces.Hash;


/**
 * Every primitive the SDK uses, on libsodium (lazysodium-java 5.2, bundled libsodium 1.0.20) through its
 * byte[] entry points. One loaded library per JVM; libsodium is thread-safe after sodium_init.
 */
public final class Sodium {

    public static final int KEY_BYTES = 32;
    public static final int SIGNATURE_BYTES = 64;
    public static final int ED25519_SECRET_KEY_BYTES = 64;
    public static final int XCHACHA_NONCE_BYTES = 24;
    public static final int AEAD_TAG_BYTES = 16;
    /** libsodium's crypto_pwhash_ALG_ARGON2ID13. */
    public static final int ARGON2ID13 = 2;

    private static final SodiumJava NATIVE = load();

    private Sodium() {
    }

    private static SodiumJava load() {
        SodiumJava sodium = new SodiumJava();
        if (sodium.sodium_init() < 0) {
            throw new IllegalStateException("libsodium failed to initialise");
        }
        return sodium;
    }

    /** The loaded library, for the few callers (secretstream) that need its structures. */
    public static SodiumJava library() {
        return NATIVE;
    }

    public static byte[] randomBytes(int length) {
        byte[] out = new byte[length];
        NATIVE.randombytes_buf(out, length);
        return out;
    }

    // ---- X25519 ----

    public static X25519KeyPair x25519Generate() {
        return x25519FromPrivate(randomBytes(KEY_BYTES));
    }

    /** The key pair of a given private scalar (libsodium clamps it when used). */
    public static X25519KeyPair x25519FromPrivate(byte[] privateKey) {
        requireLength(privateKey, KEY_BYTES, "X25519 private key");
        byte[] publicKey = new byte[KEY_BYTES];
        check(NATIVE.crypto_scalarmult_base(publicKey, privateKey), "crypto_scalarmult_base");
        return new X25519KeyPair(publicKey, privateKey.clone());
    }

    /**
     * X25519(privateKey, publicKey). libsodium refuses a result of all zeros (a small-order peer key),
     * which is reported as {@link InvalidKeyException}.
     */
    public static byte[] x25519(byte[] privateKey, byte[] publicKey) {
        requireLength(privateKey, KEY_BYTES, "X25519 private key");
        requireLength(publicKey, KEY_BYTES, "X25519 public key");
        byte[] shared = new byte[KEY_BYTES];
        if (NATIVE.crypto_scalarmult(shared, privateKey, publicKey) != 0) {
            throw new InvalidKeyException("X25519 with a small-order public key");
        }
        return shared;
    }

    // ---- Ed25519 ----

    public static Ed25519KeyPair ed25519Generate() {
        return ed25519FromSeed(randomBytes(KEY_BYTES));
    }

    public static Ed25519KeyPair ed25519FromSeed(byte[] seed) {
        requireLength(seed, KEY_BYTES, "Ed25519 seed");
        byte[] publicKey = new byte[KEY_BYTES];
        byte[] secretKey = new byte[ED25519_SECRET_KEY_BYTES];
        check(NATIVE.crypto_sign_seed_keypair(publicKey, secretKey, seed), "crypto_sign_seed_keypair");
        return new Ed25519KeyPair(publicKey, seed.clone());
    }

    /** crypto_sign_detached with the 64-byte secret key expanded from the seed. */
    public static byte[] sign(Ed25519KeyPair key, byte[] message) {
        byte[] publicKey = new byte[KEY_BYTES];
        byte[] secretKey = new byte[ED25519_SECRET_KEY_BYTES];
        check(NATIVE.crypto_sign_seed_keypair(publicKey, secretKey, key.seed()), "crypto_sign_seed_keypair");
        byte[] signature = new byte[SIGNATURE_BYTES];
        check(NATIVE.crypto_sign_detached(signature, null, message, message.length, secretKey), "crypto_sign_detached");
        java.util.Arrays.fill(secretKey, (byte) 0);
        return signature;
    }

    /** crypto_sign_verify_detached; false for anything malformed, never throws. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || publicKey.length != KEY_BYTES || signature == null
                || signature.length != SIGNATURE_BYTES || message == null) {
            return false;
        }
        return NATIVE.crypto_sign_verify_detached(signature, message, message.length, publicKey) == 0;
    }

    // ---- AEAD: XChaCha20-Poly1305 (IETF) ----

    public static byte[] aeadEncrypt(byte[] key, byte[] nonce, byte[] plaintext, byte[] associatedData) {
        requireLength(key, KEY_BYTES, "AEAD key");
        requireLength(nonce, XCHACHA_NONCE_BYTES, "AEAD nonce");
        byte[] ciphertext = new byte[plaintext.length + AEAD_TAG_BYTES];
        long[] length = new long[1];
        check(NATIVE.crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext, length, plaintext, plaintext.length,
                associatedData, associatedData.length, null, nonce, key), "aead encrypt");
        return ciphertext;
    }

    /** The plaintext, or {@link AuthenticationException} if the ciphertext, nonce, key or data do not match. */
    public static byte[] aeadDecrypt(byte[] key, byte[] nonce, byte[] ciphertext, byte[] associatedData) {
        requireLength(key, KEY_BYTES, "AEAD key");
        requireLength(nonce, XCHACHA_NONCE_BYTES, "AEAD nonce");
        if (ciphertext.length < AEAD_TAG_BYTES) {
            throw new AuthenticationException("ciphertext shorter than its tag");
        }
        byte[] plaintext = new byte[ciphertext.length - AEAD_TAG_BYTES];
        long[] length = new long[1];
        int rc = NATIVE.crypto_aead_xchacha20poly1305_ietf_decrypt(plaintext, length, null, ciphertext,
                ciphertext.length, associatedData, associatedData.length, nonce, key);
        if (rc != 0) {
            throw new AuthenticationException("AEAD authentication failed");
        }
        return plaintext;
    }

    // ---- hashes ----

    public static byte[] sha512(byte[] message) {
        byte[] out = new byte[64];
        check(NATIVE.crypto_hash_sha512(out, message, message.length), "crypto_hash_sha512");
        return out;
    }

    public static byte[] sha256(byte[] message) {
        byte[] out = new byte[32];
        check(NATIVE.crypto_hash_sha256(out, message, message.length), "crypto_hash_sha256");
        return out;
    }

    /** Incremental SHA-256 (libsodium crypto_hash_sha256_init/update/final), for streams. */
    public static final class Sha256 {
        private final Hash.State256 state = new Hash.State256();

        public Sha256() {
            check(NATIVE.crypto_hash_sha256_init(state), "crypto_hash_sha256_init");
        }

        public void update(byte[] data, int length) {
            check(NATIVE.crypto_hash_sha256_update(state, data, length), "crypto_hash_sha256_update");
        }

        public byte[] digest() {
            byte[] out = new byte[32];
            check(NATIVE.crypto_hash_sha256_final(state, out), "crypto_hash_sha256_final");
            return out;
        }
    }

    // ---- password hashing ----

    /** Argon2id (crypto_pwhash, ALG_ARGON2ID13) of {@code password} into {@code length} bytes. */
    public static byte[] argon2id(byte[] password, byte[] salt, long opsLimit, long memLimit, int length) {
        requireLength(salt, 16, "Argon2id salt");
        byte[] out = new byte[length];
        int rc = NATIVE.crypto_pwhash(out, length, password, password.length, salt, opsLimit,
                new com.sun.jna.NativeLong(memLimit), ARGON2ID13);
        if (rc != 0) {
            throw new IllegalStateException("crypto_pwhash failed (out of memory?)");
        }
        return out;
    }

    // ---- padding (ISO/IEC 7816-4, libsodium sodium_pad / sodium_unpad) ----

    /** {@code data} ‖ 0x80 ‖ zeros, to the next multiple of {@code blockSize} (always at least one byte added). */
    public static byte[] pad(byte[] data, int blockSize) {
        int max = (data.length / blockSize + 1) * blockSize;
        com.sun.jna.Memory buffer = new com.sun.jna.Memory(max);
        buffer.write(0, data, 0, data.length);
        com.sun.jna.ptr.IntByReference padded = new com.sun.jna.ptr.IntByReference();
        check(NATIVE.sodium_pad(padded, buffer, data.length, blockSize, max), "sodium_pad");
        return buffer.getByteArray(0, padded.getValue());
    }

    /** The data before the padding; {@link IllegalArgumentException} if the padding is malformed. */
    public static byte[] unpad(byte[] padded, int blockSize) {
        if (padded.length == 0 || padded.length % blockSize != 0) {
            throw new IllegalArgumentException("padded length is not a multiple of the block size");
        }
        com.sun.jna.Memory buffer = new com.sun.jna.Memory(padded.length);
        buffer.write(0, padded, 0, padded.length);
        com.sun.jna.ptr.IntByReference unpadded = new com.sun.jna.ptr.IntByReference();
        if (NATIVE.sodium_unpad(unpadded, buffer, padded.length, blockSize) != 0) {
            throw new IllegalArgumentException("invalid padding");
        }
        return buffer.getByteArray(0, unpadded.getValue());
    }

    /** Constant-time equality (sodium_memcmp); false for different lengths. */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return a.length == b.length && NATIVE.sodium_memcmp(a, b, a.length) == 0;
    }

    static void requireLength(byte[] value, int length, String what) {
        if (value == null || value.length != length) {
            throw new InvalidKeyException(what + " must be " + length + " bytes");
        }
    }

    private static void check(int rc, String call) {
        if (rc != 0) {
            throw new IllegalStateException(call + " failed: " + rc);
        }
    }

}
