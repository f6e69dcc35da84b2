package net.secureconnect.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.secureconnect.sdk.attachment.AttachmentCipher;
import net.secureconnect.sdk.attachment.AttachmentPointer;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.Hkdf;
import net.secureconnect.sdk.crypto.MlKem768;
import net.secureconnect.sdk.keys.SignedMessages;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.crypto.X25519KeyPair;
import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.protocol.DoubleRatchet;
import net.secureconnect.sdk.protocol.InMemoryProtocolStore;
import net.secureconnect.sdk.protocol.SessionCipher;
import net.secureconnect.sdk.protocol.X3dh;
import net.secureconnect.sdk.safety.SafetyNumber;
import net.secureconnect.sdk.vectors.TestVectors;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads docs/test-vectors/*.json and recomputes every output from the inputs written there. (Regenerate
 * them with {@code TestVectors.main}; see clients/java-sdk/README.md.)
 */
class TestVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void kdf() throws IOException {
        JsonNode v = read(TestVectors.KDF);
        // RFC 5869 A.1, independent of this SDK
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
                v.get("hkdf").get(0).get("okm").asText());
        for (JsonNode c : v.get("hkdf")) {
            assertEquals(c.get("okm").asText(), Bytes.hex(Hkdf.derive(hex(c, "salt"), hex(c, "ikm"), hex(c, "info"),
                    c.get("length").asInt())));
        }
        for (JsonNode c : v.get("kdfRoot")) {
            assertEquals(c.get("info").asText(), new String(DoubleRatchet.ROOT_INFO, StandardCharsets.US_ASCII));
            byte[][] out = DoubleRatchet.kdfRoot(hex(c, "rootKey"), hex(c, "dhOutput"));
            assertEquals(c.get("newRootKey").asText(), Bytes.hex(out[0]));
            assertEquals(c.get("chainKey").asText(), Bytes.hex(out[1]));
        }
        byte[] ck = hex(v.get("kdfChain"), "chainKey");
        for (JsonNode step : v.get("kdfChain").get("steps")) {
            byte[][] next = DoubleRatchet.kdfChain(ck);
            assertEquals(step.get("messageKey").asText(), Bytes.hex(next[1]));
            assertEquals(step.get("nextChainKey").asText(), Bytes.hex(next[0]));
            assertEquals(step.get("aeadKey").asText(), Bytes.hex(DoubleRatchet.messageKey(next[1])));
            ck = next[0];
        }
    }

    @Test
    void x3dh() throws IOException {
        JsonNode v = read(TestVectors.X3DH);
        LocalDevice alice = device(v.get("alice"), 1111);
        LocalDevice bob = device(v.get("bob"), 2222);
        X25519KeyPair opk = Sodium.x25519FromPrivate(hex(v, "bobOneTimePrekeyPrivate"));
        X25519KeyPair ephemeral = Sodium.x25519FromPrivate(hex(v, "aliceEphemeralPrivate"));
        assertEquals(v.get("bobOneTimePrekeyPublic").asText(), Bytes.hex(opk.publicKey()));
        assertEquals(v.get("aliceEphemeralPublic").asText(), Bytes.hex(ephemeral.publicKey()));

        DeviceBundle bundle = bob.bundle("bob", 1, null);
        DeviceBundle withOpk = new DeviceBundle("bob", 1, bundle.registrationId(), bundle.identityKey(), bundle.agreementKey(),
                bundle.agreementKeySignature(), bundle.signedPrekeyId(), bundle.signedPrekey(), bundle.signedPrekeySignature(),
                7, opk.publicKey()).verified();
        X3dh.Initiation with = X3dh.initiate(alice, withOpk, ephemeral);
        X3dh.Initiation without = X3dh.initiate(alice, bundle.verified(), ephemeral);
        assertEquals(v.get("sharedSecretWithOneTimePrekey").asText(), Bytes.hex(with.sharedSecret()));
        assertEquals(v.get("sharedSecretWithoutOneTimePrekey").asText(), Bytes.hex(without.sharedSecret()));
        assertEquals(v.get("associatedData").asText(), Bytes.hex(with.associatedData()));
        // Bob's side derives the same secrets.
        X25519KeyPair spk = bob.currentSignedPrekey().keyPair();
        assertArrayEquals(with.sharedSecret(), X3dh.respond(bob, alice.agreement().publicKey(), ephemeral.publicKey(), spk, opk));
        assertArrayEquals(without.sharedSecret(), X3dh.respond(bob, alice.agreement().publicKey(), ephemeral.publicKey(), spk, null));

        JsonNode pq = v.get("pqxdh");
        MlKem768.KeyPair kem = MlKem768.fromSeed(hex(pq, "kemSeed"));
        assertEquals(pq.get("kemPublicKey").asText(), Bytes.hex(kem.publicKey()));
        assertTrue(Sodium.verify(bob.identity().publicKey(), SignedMessages.kemPrekey(kem.publicKey()), hex(pq, "kemPrekeySignature")));
        MlKem768.Encapsulation encapsulation = MlKem768.encapsulate(kem.publicKey(), hex(pq, "encapsulationRandomness"));
        assertEquals(pq.get("kemCiphertext").asText(), Bytes.hex(encapsulation.ciphertext()));
        assertEquals(pq.get("kemSharedSecret").asText(), Bytes.hex(encapsulation.sharedSecret()));
        byte[] decapsulated = MlKem768.decapsulate(kem.seed(), hex(pq, "kemCiphertext"));
        assertEquals(pq.get("kemSharedSecret").asText(), Bytes.hex(decapsulated));
        assertEquals(pq.get("info").asText(), new String(X3dh.PQ_INFO, StandardCharsets.US_ASCII));
        byte[] pqSecret = X3dh.respond(bob, alice.agreement().publicKey(), ephemeral.publicKey(), spk, opk, decapsulated);
        assertEquals(pq.get("sharedSecretWithOneTimePrekey").asText(), Bytes.hex(pqSecret));
        bob.setKemLastResortPrekey(pq.get("kemPrekeyId").asInt(), kem, 0);
        DeviceBundle pqBundle = bob.bundleWithKem("bob", 1, null, null);
        DeviceBundle pqWithOpk = new DeviceBundle("bob", 1, pqBundle.registrationId(), pqBundle.identityKey(), pqBundle.agreementKey(),
                pqBundle.agreementKeySignature(), pqBundle.signedPrekeyId(), pqBundle.signedPrekey(), pqBundle.signedPrekeySignature(),
                7, opk.publicKey(), pqBundle.kemPrekeyId(), pqBundle.kemPrekey(), pqBundle.kemPrekeySignature(), true).verified();
        assertArrayEquals(pqSecret, X3dh.initiate(alice, pqWithOpk, ephemeral, hex(pq, "encapsulationRandomness")).sharedSecret());
    }

    @Test
    void ratchet() throws IOException {
        JsonNode keys = read(TestVectors.X3DH);
        JsonNode v = read(TestVectors.RATCHET);
        DeviceAddress aliceAddress = new DeviceAddress("alice", 1);
        DeviceAddress bobAddress = new DeviceAddress("bob", 1);

        // 1. Re-encrypting with the same fixed keys gives the same wire bytes.
        LocalDevice bobDevice = device(keys.get("bob"), 2222);
        X25519KeyPair opk = Sodium.x25519FromPrivate(hex(keys, "bobOneTimePrekeyPrivate"));
        bobDevice.addOneTimePrekey(7, opk);
        JsonNode pq = keys.get("pqxdh");
        bobDevice.setKemLastResortPrekey(pq.get("kemPrekeyId").asInt(), MlKem768.fromSeed(hex(pq, "kemSeed")), 0);
        SessionCipher alice = new SessionCipher(new InMemoryProtocolStore(device(keys.get("alice"), 1111)),
                TestVectors.fixedKeys(v.get("aliceKeyPrefix").asText(), hex(pq, "encapsulationRandomness")));
        SessionCipher bob = new SessionCipher(new InMemoryProtocolStore(bobDevice),
                TestVectors.fixedKeys(v.get("bobKeyPrefix").asText()));
        DeviceBundle b = bobDevice.bundle("bob", 1, 7);
        alice.startSession(b);
        List<JsonNode> messages = new ArrayList<>();
        v.get("messages").forEach(messages::add);
        assertTrue(messages.size() >= 4);
        for (JsonNode m : messages) {
            boolean fromAlice = m.get("from").asText().equals("alice");
            byte[] plaintext = m.get("plaintext").asText().getBytes(StandardCharsets.UTF_8);
            byte[] wire = fromAlice ? alice.encrypt(bobAddress, plaintext) : bob.encrypt(aliceAddress, plaintext);
            assertEquals(m.get("wire").asText(), Bytes.hex(wire), m.get("plaintext").asText());
            (fromAlice ? bob : alice).decrypt(fromAlice ? aliceAddress : bobAddress, wire);
        }

        // 2. A receiver with only the file's bytes decrypts them (random keys for its own ratchet steps
        //    would change later wire bytes, so decrypt only messages to it in order, replying with file bytes).
        LocalDevice freshBob = device(keys.get("bob"), 2222);
        freshBob.addOneTimePrekey(7, opk);
        freshBob.setKemLastResortPrekey(pq.get("kemPrekeyId").asInt(), MlKem768.fromSeed(hex(pq, "kemSeed")), 0);
        SessionCipher bob2 = new SessionCipher(new InMemoryProtocolStore(freshBob), TestVectors.fixedKeys("bob ratchet"));
        for (JsonNode m : messages) {
            if (m.get("from").asText().equals("alice")) {
                assertEquals(m.get("plaintext").asText(), new String(bob2.decrypt(aliceAddress, Bytes.hex(m.get("wire").asText())),
                        StandardCharsets.UTF_8));
            } else {
                assertEquals(m.get("wire").asText(), Bytes.hex(bob2.encrypt(aliceAddress,
                        m.get("plaintext").asText().getBytes(StandardCharsets.UTF_8))));
            }
        }
    }

    /** Alice's messages in the file's out-of-order sequence decrypt on a fresh Bob (the later one first). */
    @Test
    void outOfOrderMessagesDecryptWithSkippedKeys() throws IOException {
        JsonNode keys = read(TestVectors.X3DH);
        JsonNode v = read(TestVectors.RATCHET);
        JsonNode pq = keys.get("pqxdh");
        LocalDevice bobDevice = device(keys.get("bob"), 2222);
        bobDevice.addOneTimePrekey(7, Sodium.x25519FromPrivate(hex(keys, "bobOneTimePrekeyPrivate")));
        bobDevice.setKemLastResortPrekey(pq.get("kemPrekeyId").asInt(), MlKem768.fromSeed(hex(pq, "kemSeed")), 0);
        SessionCipher bob = new SessionCipher(new InMemoryProtocolStore(bobDevice), TestVectors.fixedKeys("bob ratchet"));
        assertTrue(v.get("outOfOrderToBob").size() >= 2);
        for (JsonNode index : v.get("outOfOrderToBob")) {
            JsonNode m = v.get("messages").get(index.asInt());
            assertEquals(m.get("plaintext").asText(), new String(bob.decrypt(new DeviceAddress("alice", 1),
                    Bytes.hex(m.get("wire").asText())), StandardCharsets.UTF_8));
        }
    }

    /** Each refused message, at its point of the conversation, is refused as stated and changes nothing. */
    @Test
    void refusedMessages() throws IOException {
        JsonNode keys = read(TestVectors.X3DH);
        JsonNode v = read(TestVectors.RATCHET);
        JsonNode pq = keys.get("pqxdh");
        DeviceAddress aliceAddress = new DeviceAddress("alice", 1);
        List<JsonNode> messages = new ArrayList<>();
        v.get("messages").forEach(messages::add);
        assertTrue(v.get("refused").size() >= 5);
        for (JsonNode refused : v.get("refused")) {
            LocalDevice bobDevice = device(keys.get("bob"), 2222);
            bobDevice.addOneTimePrekey(7, Sodium.x25519FromPrivate(hex(keys, "bobOneTimePrekeyPrivate")));
            bobDevice.setKemLastResortPrekey(pq.get("kemPrekeyId").asInt(), MlKem768.fromSeed(hex(pq, "kemSeed")), 0);
            SessionCipher bob = new SessionCipher(new InMemoryProtocolStore(bobDevice), TestVectors.fixedKeys("bob ratchet"));
            int after = refused.get("after").asInt();
            for (int i = 0; i < after; i++) {
                if (messages.get(i).get("from").asText().equals("alice")) {
                    bob.decrypt(aliceAddress, Bytes.hex(messages.get(i).get("wire").asText()));
                } else {
                    bob.encrypt(aliceAddress, messages.get(i).get("plaintext").asText().getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] wire = Bytes.hex(refused.get("wire").asText());
            Class<? extends Throwable> expected = switch (refused.get("expect").asText()) {
                case "downgrade" -> net.secureconnect.sdk.protocol.DowngradeException.class;
                case "duplicate" -> net.secureconnect.sdk.protocol.DuplicateMessageException.class;
                default -> net.secureconnect.sdk.ProtocolException.class;
            };
            assertThrows(expected, () -> bob.decrypt(aliceAddress, wire), refused.get("name").asText());
            // Nothing changed: the conversation goes on from that point exactly as in the file.
            JsonNode next = messages.get(after);
            if (next.get("from").asText().equals("alice")) {
                assertEquals(next.get("plaintext").asText(), new String(bob.decrypt(aliceAddress,
                        Bytes.hex(next.get("wire").asText())), StandardCharsets.UTF_8), refused.get("name").asText());
            }
        }
    }

    @Test
    void safetyNumber() throws IOException {
        JsonNode v = read(TestVectors.SAFETY_NUMBER);
        List<byte[]> local = new ArrayList<>();
        v.get("localIdentityKeys").forEach(k -> local.add(Bytes.hex(k.asText())));
        List<byte[]> remote = new ArrayList<>();
        v.get("remoteIdentityKeys").forEach(k -> remote.add(Bytes.hex(k.asText())));
        assertEquals(v.get("localFingerprint").asText(),
                Bytes.hex(SafetyNumber.fingerprint(v.get("localAccountId").asText(), local)));
        SafetyNumber number = SafetyNumber.of(v.get("localAccountId").asText(), local, v.get("remoteAccountId").asText(), remote);
        assertEquals(v.get("digits").asText(), number.digits());
        assertEquals(v.get("qr").asText(), number.qrText());
    }

    @Test
    void secretstream() throws IOException {
        JsonNode v = read(TestVectors.SECRETSTREAM);
        AttachmentPointer pointer = AttachmentPointer.fromJson(v.get("pointer"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AttachmentCipher.decrypt(new ByteArrayInputStream(Bytes.hex(v.get("blob").asText())), out, pointer);
        assertEquals(v.get("plaintextSha256").asText(), Bytes.hex(Sodium.sha256(out.toByteArray())));
        byte[] plaintext = out.toByteArray();
        assertEquals(70_000, plaintext.length);
        for (int i = 0; i < plaintext.length; i++) {
            assertEquals((byte) i, plaintext[i]);
        }
        assertEquals(blobLength(70_000), Bytes.hex(v.get("blob").asText()).length);
    }

    /** P(n) written from the text of §7, independently of AttachmentCipher.paddedSize. */
    private static long specPadded(long n) {
        if (n <= 512) {
            return 512;
        }
        int b = 0;
        while ((1L << b) <= n) {
            b++; // now 2^(b-1) <= n < 2^b
        }
        long unit = 1L << (b - 5);
        long units = n / unit + (n % unit == 0 ? 0 : 1);
        return units * unit;
    }

    private static long blobLength(long n) {
        long p = specPadded(n);
        long k = Math.max(1, (p + 65535) / 65536);
        return 24 + p + 17 * k;
    }

    @Test
    void attachments() throws IOException {
        JsonNode v = read(TestVectors.ATTACHMENTS);
        // the three figures the spec states
        assertEquals(544, specPadded(513));
        assertEquals(65536, specPadded(65536));
        assertEquals(52_428_800, specPadded(52_428_800)); // 50 MiB = 25 · 2^21: already a bucket edge
        assertEquals(54_525_952, specPadded(52_428_801));
        for (JsonNode c : v.get("paddedSizes")) {
            long n = c.get("size").asLong();
            assertEquals(specPadded(n), c.get("padded").asLong(), "P(" + n + ")");
            assertEquals(specPadded(n), AttachmentCipher.paddedSize(n), "SDK P(" + n + ")");
            assertEquals(blobLength(n), c.get("blobLength").asLong());
            assertEquals(blobLength(n), AttachmentCipher.ciphertextSize(n));
            assertTrue(specPadded(n) - n <= Math.max(512, n / 16), "overhead of " + n);
        }
        java.util.Map<String, byte[]> blobs = new java.util.HashMap<>();
        for (JsonNode c : v.get("accepted")) {
            AttachmentPointer pointer = AttachmentPointer.fromJson(c.get("pointer"));
            byte[] blob = Bytes.hex(c.get("blob").asText());
            blobs.put(c.get("name").asText(), blob);
            assertEquals(blobLength(pointer.size()), blob.length, c.get("name").asText());
            assertEquals(c.get("blobLength").asLong(), blob.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AttachmentCipher.decrypt(new ByteArrayInputStream(blob), out, pointer);
            byte[] file = out.toByteArray();
            assertEquals(pointer.size(), file.length, "only the first size bytes are written");
            assertEquals(c.get("plaintextSha256").asText(), Bytes.hex(Sodium.sha256(file)));
        }
        assertEquals(0, AttachmentPointer.fromJson(v.get("accepted").get(0).get("pointer")).size());
        assertEquals(65536, AttachmentPointer.fromJson(v.get("accepted").get(1).get("pointer")).size());
        int refusedCount = 0;
        for (JsonNode c : v.get("refused")) {
            AttachmentPointer pointer = AttachmentPointer.fromJson(c.get("pointer"));
            byte[] blob = c.has("truncatedFrom")
                    ? java.util.Arrays.copyOf(blobs.get(c.get("truncatedFrom").asText()), c.get("length").asInt())
                    : Bytes.hex(c.get("blob").asText());
            var e = assertThrows(AttachmentCipher.AttachmentException.class, () -> AttachmentCipher.decrypt(
                    new ByteArrayInputStream(blob), OutputStream.nullOutputStream(), pointer), c.get("name").asText());
            assertTrue(c.get("reason").asText().startsWith(e.getMessage()), c.get("name") + ": " + e.getMessage());
            refusedCount++;
        }
        assertEquals(6, refusedCount);
    }

    @Test
    void filesAreWhatTheGeneratorProduces() throws IOException {
        for (var file : TestVectors.all().entrySet()) {
            if (!TestVectors.RANDOM_HEADER.contains(file.getKey())) {
                assertEquals(file.getValue(), read(file.getKey()), file.getKey() + " is stale: regenerate it");
            }
        }
    }

    private static LocalDevice device(JsonNode node, int registrationId) {
        LocalDevice device = LocalDevice.fromKeys(registrationId, Sodium.ed25519FromSeed(hex(node, "identitySeed")),
                Sodium.x25519FromPrivate(hex(node, "agreementPrivate")),
                Sodium.x25519FromPrivate(hex(node, "signedPrekeyPrivate")), 0);
        assertEquals(node.get("identityKey").asText(), Bytes.hex(device.identity().publicKey()));
        assertEquals(node.get("agreementKey").asText(), Bytes.hex(device.agreement().publicKey()));
        assertEquals(node.get("agreementKeySignature").asText(), Bytes.hex(device.agreementSignature()));
        assertEquals(node.get("signedPrekey").asText(), Bytes.hex(device.currentSignedPrekey().keyPair().publicKey()));
        assertEquals(node.get("signedPrekeySignature").asText(), Bytes.hex(device.currentSignedPrekey().signature()));
        assertEquals(node.get("signedPrekeyId").asInt(), device.currentSignedPrekey().keyId());
        return device;
    }

    private static byte[] hex(JsonNode node, String field) {
        return Bytes.hex(node.get(field).asText());
    }

    static JsonNode read(String name) throws IOException {
        return JSON.readTree(Files.readAllBytes(vectorDirectory().resolve(name)));
    }

    static Path vectorDirectory() {
        String configured = System.getProperty("secureconnect.testVectors");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("docs/test-vectors"))) {
                return dir.resolve("docs/test-vectors");
            }
        }
        throw new IllegalStateException("docs/test-vectors not found");
    }
}
