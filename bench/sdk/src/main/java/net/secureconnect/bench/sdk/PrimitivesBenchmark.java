package net.secureconnect.bench.sdk;

import net.secureconnect.sdk.crypto.Hkdf;
import net.secureconnect.sdk.crypto.MlKem768;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.crypto.KDF;
import javax.crypto.KEM;
import javax.crypto.spec.HKDFParameterSpec;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The SDK's HKDF (hand-written on the JDK's HMAC) and ML-KEM-768 (Bouncy Castle) against the JDK 25 KDF API
 * (JEP 510) and {@code javax.crypto.KEM} (JEP 496), with the SDK's key handling: decapsulation keys are kept as
 * the 64-byte FIPS 203 seed, so every decapsulation re-derives the key pair from it (docs/benchmarks.md, "Java 25").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class PrimitivesBenchmark {

    private byte[] salt;
    private byte[] ikm;
    private byte[] info;
    private byte[] seed;
    private byte[] publicKey;
    private byte[] ciphertext;
    private byte[] m;

    @Setup
    public void setUp() {
        salt = new byte[32];
        ikm = new byte[128];
        info = "SecureConnect_X3DH".getBytes();
        Arrays.fill(ikm, (byte) 7);
        seed = new byte[64];
        Arrays.fill(seed, (byte) 3);
        m = new byte[32];
        Arrays.fill(m, (byte) 5);
        publicKey = MlKem768.fromSeed(seed).publicKey();
        ciphertext = MlKem768.encapsulate(publicKey, m).ciphertext();
        if (!Arrays.equals(hkdfSdk(), hkdfJdk()) || !Arrays.equals(mlkemBcDecapsulate(), mlkemJdkDecapsulate())
                || !Arrays.equals(MlKem768.encapsulate(publicKey, m).ciphertext(), JdkMlKem.encapsulate(publicKey, m))) {
            throw new IllegalStateException("the JDK and the SDK disagree");
        }
    }

    /** 64 bytes, extract + expand (as X3DH's root/chain key derivation). */
    @Benchmark
    public byte[] hkdfSdk() {
        return Hkdf.derive(salt, ikm, info, 64);
    }

    @Benchmark
    public byte[] hkdfJdk() {
        try {
            return KDF.getInstance("HKDF-SHA256").deriveData(
                    HKDFParameterSpec.ofExtract().addSalt(salt).addIKM(ikm).thenExpand(info, 64));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    public byte[] mlkemBcEncapsulate() {
        return MlKem768.encapsulate(publicKey, m).ciphertext();
    }

    @Benchmark
    public byte[] mlkemJdkEncapsulate() {
        return JdkMlKem.encapsulate(publicKey, m);
    }

    /** Seed → decapsulation key → shared secret, as the SDK stores keys. */
    @Benchmark
    public byte[] mlkemBcDecapsulate() {
        return MlKem768.decapsulate(seed, ciphertext);
    }

    @Benchmark
    public byte[] mlkemJdkDecapsulate() {
        return JdkMlKem.decapsulate(seed, ciphertext);
    }

    /**
     * ML-KEM-768 on the JDK with the SDK's deterministic inputs. The JDK has no seed or "internal" entry points:
     * key generation reads d then z from the SecureRandom it is given and encapsulation reads m, so a
     * SecureRandom replaying the bytes stands in — it relies on that order, which the test vectors would catch.
     */
    static final class JdkMlKem {
        private static final byte[] SPKI_PREFIX;

        static {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("ML-KEM-768");
                byte[] encoded = generator.generateKeyPair().getPublic().getEncoded();
                SPKI_PREFIX = Arrays.copyOf(encoded, encoded.length - MlKem768.PUBLIC_KEY_BYTES);
            } catch (GeneralSecurityException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static byte[] encapsulate(byte[] publicKey, byte[] m) {
            try {
                byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + publicKey.length);
                System.arraycopy(publicKey, 0, spki, SPKI_PREFIX.length, publicKey.length);
                PublicKey key = KeyFactory.getInstance("ML-KEM").generatePublic(new X509EncodedKeySpec(spki));
                return KEM.getInstance("ML-KEM").newEncapsulator(key, new Replay(m)).encapsulate().encapsulation();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        static byte[] decapsulate(byte[] seed, byte[] ciphertext) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("ML-KEM");
                generator.initialize(NamedParameterSpec.ML_KEM_768, new Replay(seed));
                KeyPair pair = generator.generateKeyPair();
                return KEM.getInstance("ML-KEM").newDecapsulator(pair.getPrivate()).decapsulate(ciphertext).getEncoded();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Hands out the given bytes in order. */
    private static final class Replay extends SecureRandom {
        private final byte[] bytes;
        private int offset;

        Replay(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void nextBytes(byte[] out) {
            System.arraycopy(bytes, offset, out, 0, out.length);
            offset += out.length;
        }
    }
}
