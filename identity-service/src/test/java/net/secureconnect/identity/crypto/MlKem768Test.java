package net.secureconnect.identity.crypto;

import net.secureconnect.identity.DeviceKeyMaterial;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FIPS 203's modulus check: each packed 12-bit coefficient below 3329. */
class MlKem768Test {

    @Test
    void keysWithCoefficientsBelowQPass() {
        for (int i = 0; i < 50; i++) {
            assertTrue(MlKem768.isWellFormedEncapsulationKey(DeviceKeyMaterial.kemPublicKey()));
        }
        assertTrue(MlKem768.isWellFormedEncapsulationKey(new byte[1184]));
    }

    @Test
    void aSingleCoefficientAtOrAboveQFails() {
        byte[] key = new byte[1184];
        // Second coefficient of the last triple = 3329: bytes b1 high nibble and b2.
        int i = 1149;
        key[i + 1] = (byte) ((3329 & 0x0F) << 4);
        key[i + 2] = (byte) (3329 >> 4);
        assertFalse(MlKem768.isWellFormedEncapsulationKey(key));
        key[i + 1] = (byte) ((3328 & 0x0F) << 4);
        key[i + 2] = (byte) (3328 >> 4);
        assertTrue(MlKem768.isWellFormedEncapsulationKey(key));
        byte[] first = new byte[1184];
        first[0] = (byte) 0x01;
        first[1] = (byte) 0x0D; // 0xD01 = 3329
        assertFalse(MlKem768.isWellFormedEncapsulationKey(first));
    }

    @Test
    void theSeedIsNotChecked() {
        byte[] key = new byte[1184];
        java.util.Arrays.fill(key, 1152, 1184, (byte) 0xFF);
        assertTrue(MlKem768.isWellFormedEncapsulationKey(key));
        assertFalse(MlKem768.isWellFormedEncapsulationKey(new byte[1183]));
        assertFalse(MlKem768.isWellFormedEncapsulationKey(null));
    }
}
