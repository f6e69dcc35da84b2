package net.secureconnect.identity.crypto;

import net.secureconnect.identity.model.Limits;

/**
 * The input check FIPS 203 (§7.2, "modulus check") asks of whoever encapsulates to an ML-KEM-768 key:
 * the 768 coefficients packed as 12-bit values in the first 1152 bytes must all be below q. Done at
 * upload so a broken key fails its owner's upload instead of a peer's session setup.
 */
public final class MlKem768 {

    static final int Q = 3329;
    /** k·n·12/8 = 3·256·12/8 bytes of packed coefficients; the 32-byte seed rho follows. */
    static final int PACKED_COEFFICIENT_BYTES = 1152;

    private MlKem768() {
    }

    public static boolean isWellFormedEncapsulationKey(byte[] key) {
        if (key == null || key.length != Limits.KEM_PUBLIC_KEY_BYTES) {
            return false;
        }
        for (int i = 0; i < PACKED_COEFFICIENT_BYTES; i += 3) {
            int b0 = key[i] & 0xFF;
            int b1 = key[i + 1] & 0xFF;
            int b2 = key[i + 2] & 0xFF;
            int first = b0 | ((b1 & 0x0F) << 8);
            int second = (b1 >> 4) | (b2 << 4);
            if (first >= Q || second >= Q) {
                return false;
            }
        }
        return true;
    }
}
