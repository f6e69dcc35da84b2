package net.secureconnect.sdk.safety;

import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.Sodium;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Safety numbers in the manner of Signal's numeric fingerprint (version 0, 5200 SHA-512 iterations):
 * 30 digits per account from its device identity keys and account id, the two halves in sorted order
 * so both people see the same 60 digits. docs/protocol-crypto.md §6.
 */
public final class SafetyNumber {

    public static final int ITERATIONS = 5200;
    private static final byte[] VERSION = {0, 0};
    public static final String QR_PREFIX = "SC1:";

    private final String digits;
    private final String qr;

    private SafetyNumber(String digits, String qr) {
        this.digits = digits;
        this.qr = qr;
    }

    /**
     * @param localAccountId        this account's id (its stable identifier)
     * @param localIdentityKeys     the Ed25519 identity keys of all its devices, any order
     * @param remoteAccountId       the other account's id
     * @param remoteIdentityKeys    the identity keys of all the other account's devices
     */
    public static SafetyNumber of(String localAccountId, List<byte[]> localIdentityKeys,
                                  String remoteAccountId, List<byte[]> remoteIdentityKeys) {
        byte[] local = fingerprint(localAccountId, localIdentityKeys);
        byte[] remote = fingerprint(remoteAccountId, remoteIdentityKeys);
        String localDigits = digits(local);
        String remoteDigits = digits(remote);
        boolean localFirst = localDigits.compareTo(remoteDigits) <= 0;
        String digits = localFirst ? localDigits + remoteDigits : remoteDigits + localDigits;
        HexFormat hex = HexFormat.of().withUpperCase();
        String qr = QR_PREFIX + (localFirst
                ? hex.formatHex(local, 0, 32) + ":" + hex.formatHex(remote, 0, 32)
                : hex.formatHex(remote, 0, 32) + ":" + hex.formatHex(local, 0, 32));
        return new SafetyNumber(digits, qr);
    }

    /** hash_0 = version ‖ keys ‖ id; hash_{i+1} = SHA-512(hash_i ‖ keys); returns hash_5200 (64 bytes). */
    public static byte[] fingerprint(String accountId, List<byte[]> identityKeys) {
        List<byte[]> sorted = new ArrayList<>(identityKeys);
        sorted.sort(Arrays::compareUnsigned);
        byte[] keys = Bytes.concat(sorted.toArray(byte[][]::new));
        byte[] hash = Bytes.concat(VERSION, keys, accountId.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < ITERATIONS; i++) {
            hash = Sodium.sha512(Bytes.concat(hash, keys));
        }
        return hash;
    }

    /** Six 5-digit groups: each of the first six 5-byte big-endian chunks modulo 100000. */
    static String digits(byte[] fingerprint) {
        StringBuilder out = new StringBuilder(30);
        for (int chunk = 0; chunk < 6; chunk++) {
            long value = 0;
            for (int i = 0; i < 5; i++) {
                value = (value << 8) | (fingerprint[chunk * 5 + i] & 0xFF);
            }
            out.append(String.format("%05d", value % 100000));
        }
        return out.toString();
    }

    /** 60 digits. */
    public String digits() {
        return digits;
    }

    /** The digits in 12 groups of 5, as shown to people. */
    public String displayed() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i += 5) {
            if (i > 0) {
                out.append(i % 20 == 0 ? '\n' : ' ');
            }
            out.append(digits, i, i + 5);
        }
        return out.toString();
    }

    /** Text for a QR code in alphanumeric mode: "SC1:" ‖ HEX(first 32 bytes) ‖ ":" ‖ HEX(second). */
    public String qrText() {
        return qr;
    }

    /** True if a scanned QR text is this safety number (constant time). */
    public boolean matchesQr(String scanned) {
        return Sodium.constantTimeEquals(qr.getBytes(StandardCharsets.US_ASCII),
                scanned.trim().getBytes(StandardCharsets.US_ASCII));
    }
}
