package net.secureconnect.sdk.trust;

import net.secureconnect.sdk.crypto.Sodium;

import java.util.HexFormat;

/** One device key as shown to people: the first 20 bytes of SHA-256(IK), uppercase hex, 10 groups of 4. */
public final class Fingerprint {

    private Fingerprint() {
    }

    public static String of(byte[] identityKey) {
        String hex = HexFormat.of().withUpperCase().formatHex(Sodium.sha256(identityKey), 0, 20);
        StringBuilder out = new StringBuilder(49);
        for (int i = 0; i < hex.length(); i += 4) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(hex, i, i + 4);
        }
        return out.toString();
    }
}
