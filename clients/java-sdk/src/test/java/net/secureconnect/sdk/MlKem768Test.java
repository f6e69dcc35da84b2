package net.secureconnect.sdk;

import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.InvalidKeyException;
import net.secureconnect.sdk.crypto.MlKem768;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPrivateKeyParameters;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * ML-KEM-768 as the SDK uses it (seed d ‖ z, Encaps_internal with m) agrees with final FIPS 203, so
 * another implementation (noble in the browser) computes the same: C2SP CCTV's "accumulated" vectors —
 * inputs drawn from SHAKE-128(""), outputs (ek, dk, ct, k, k for a random ct) absorbed into SHAKE-128 —
 * over 100 tests must hash to the published value for final FIPS 203.
 */
class MlKem768Test {

    /** C2SP CCTV ML-KEM accumulated vectors, ML-KEM-768, 100 tests, final FIPS 203. */
    private static final String ACCUMULATED_100 = "8d65b902f28edc683cebee2872962fd165a4d197c9e24ec74caa4470270df0b7";

    @Test
    void accumulatedVectorsMatchFinalFips203() {
        SHAKEDigest rng = new SHAKEDigest(128);
        SHAKEDigest accumulator = new SHAKEDigest(128);
        for (int i = 0; i < 100; i++) {
            byte[] d = squeeze(rng, 32);
            byte[] z = squeeze(rng, 32);
            byte[] m = squeeze(rng, 32);
            byte[] randomCiphertext = squeeze(rng, MlKem768.CIPHERTEXT_BYTES);

            byte[] seed = Bytes.concat(d, z);
            MlKem768.KeyPair pair = MlKem768.fromSeed(seed);
            byte[] dk = new MLKEMPrivateKeyParameters(MLKEMParameters.ml_kem_768, seed)
                    .getParametersWithFormat(MLKEMPrivateKeyParameters.EXPANDED_KEY).getEncoded();
            assertEquals(2400, dk.length);
            MlKem768.Encapsulation encapsulation = MlKem768.encapsulate(pair.publicKey(), m);
            assertArrayEquals(encapsulation.sharedSecret(), MlKem768.decapsulate(seed, encapsulation.ciphertext()));
            byte[] rejected = MlKem768.decapsulate(seed, randomCiphertext);

            for (byte[] out : new byte[][] {pair.publicKey(), dk, encapsulation.ciphertext(), encapsulation.sharedSecret(), rejected}) {
                accumulator.update(out, 0, out.length);
            }
        }
        byte[] hash = new byte[32];
        accumulator.doFinal(hash, 0, 32);
        assertEquals(ACCUMULATED_100, Bytes.hex(hash));
    }

    @Test
    void malformedEncapsulationKeysAreRefused() {
        byte[] key = MlKem768.generate().publicKey();
        byte[] bad = key.clone();
        bad[0] = (byte) 0xFF;
        bad[1] = (byte) 0x0F; // first coefficient 4095 >= q
        assertFalse(MlKem768.isWellFormedEncapsulationKey(bad));
        assertThrows(InvalidKeyException.class, () -> MlKem768.encapsulate(bad));
        assertThrows(InvalidKeyException.class, () -> MlKem768.encapsulate(Arrays.copyOf(key, 1183)));
    }

    private static byte[] squeeze(SHAKEDigest rng, int length) {
        byte[] out = new byte[length];
        rng.doOutput(out, 0, length);
        return out;
    }
}
