package net.secureconnect.identity.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verifier against RFC 8032 §7.1's test vectors, and what it must refuse without throwing. */
class Ed25519Test {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc8032Test1EmptyMessage() {
        assertTrue(Ed25519.verify(
                HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
                new byte[0],
                HEX.parseHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")));
    }

    @Test
    void rfc8032Test2OneByte() {
        assertTrue(Ed25519.verify(
                HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
                HEX.parseHex("72"),
                HEX.parseHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")));
    }

    @Test
    void rfc8032Test3TwoBytesAndItsTamperedVariants() {
        byte[] key = HEX.parseHex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025");
        byte[] message = HEX.parseHex("af82");
        byte[] signature = HEX.parseHex("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
        assertTrue(Ed25519.verify(key, message, signature));
        assertFalse(Ed25519.verify(key, HEX.parseHex("af83"), signature));
        byte[] flipped = signature.clone();
        flipped[10] ^= 1;
        assertFalse(Ed25519.verify(key, message, flipped));
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        assertFalse(Ed25519.verify(otherKey, message, signature));
    }

    @Test
    void signaturesOfTheJdkSignerVerify() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] encoded = pair.getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        byte[] message = "SecureConnect".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(pair.getPrivate());
        signer.update(message);
        assertTrue(Ed25519.verify(raw, message, signer.sign()));
    }

    @Test
    void garbageIsRefusedNotThrown() {
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        assertFalse(Ed25519.verify(ones, new byte[1], new byte[64]));
        assertFalse(Ed25519.verify(new byte[32], new byte[1], new byte[64]));
        byte[] maxS = new byte[64];
        Arrays.fill(maxS, (byte) 0xFF);
        assertFalse(Ed25519.verify(HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
                new byte[0], maxS));
        assertFalse(Ed25519.verify(new byte[31], new byte[0], new byte[64]));
        assertFalse(Ed25519.verify(new byte[32], new byte[0], new byte[63]));
        assertFalse(Ed25519.verify(null, new byte[0], null));
    }
}
