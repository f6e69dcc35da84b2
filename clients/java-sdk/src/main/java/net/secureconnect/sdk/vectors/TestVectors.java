package net.secureconnect.sdk.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.crypto.Bytes;
import net.secureconnect.sdk.crypto.Hkdf;
import net.secureconnect.sdk.crypto.MlKem768;
import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.crypto.X25519KeyPair;
import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.protocol.DoubleRatchet;
import net.secureconnect.sdk.protocol.InMemoryProtocolStore;
import net.secureconnect.sdk.protocol.KeySource;
import net.secureconnect.sdk.protocol.SessionCipher;
import net.secureconnect.sdk.protocol.X3dh;
import net.secureconnect.sdk.safety.SafetyNumber;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The shared test vectors (docs/test-vectors/*.json): every input is written out, every output computed
 * by this SDK. {@code main} writes the files; the SDK's tests read them and recompute each output, and
 * another implementation (the browser client) can do the same. Fixed private keys are
 * SHA-256("SecureConnect test vector " ‖ name). All byte strings are lowercase hex.
 */
public final class TestVectors {

    public static final String KDF = "kdf.json";
    public static final String X3DH = "x3dh.json";
    public static final String RATCHET = "ratchet.json";
    public static final String SAFETY_NUMBER = "safety-number.json";
    public static final String SECRETSTREAM = "secretstream.json";
    public static final String ATTACHMENTS = "attachments.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIXED_TIME = 1_767_225_600_000L;

    private TestVectors() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "docs/test-vectors");
        Files.createDirectories(dir);
        boolean force = args.length > 1 && args[1].equals("--force");
        for (Map.Entry<String, JsonNode> file : all().entrySet()) {
            if (RANDOM_HEADER.contains(file.getKey()) && Files.exists(dir.resolve(file.getKey())) && !force) {
                continue; // random header: rewriting it would change the file on every run
            }
            Files.write(dir.resolve(file.getKey()),
                    (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(file.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
            System.out.println("wrote " + dir.resolve(file.getKey()));
        }
    }

    /** Files holding secretstream blobs, whose header libsodium draws at random: kept as first written. */
    public static final List<String> RANDOM_HEADER = List.of(SECRETSTREAM, ATTACHMENTS);

    /** Every file, freshly computed (the {@link #RANDOM_HEADER} files differ on every run). */
    public static Map<String, JsonNode> all() throws IOException {
        return Map.of(KDF, kdf(), X3DH, x3dh(), RATCHET, ratchet(), SAFETY_NUMBER, safetyNumber(),
                SECRETSTREAM, secretstream(), ATTACHMENTS, attachments());
    }

    public static byte[] fixedKey(String name) {
        return Sodium.sha256(Bytes.ascii("SecureConnect test vector " + name));
    }

    // ---- kdf.json ----

    public static JsonNode kdf() {
        ObjectNode root = JSON.createObjectNode();
        root.put("description", "HKDF-SHA256 (RFC 5869 case 1 and the SDK's labels), KDF_RK, KDF_CK, message keys");
        ArrayNode hkdf = root.putArray("hkdf");
        hkdf.add(hkdfCase("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
                "f0f1f2f3f4f5f6f7f8f9", 42));
        hkdf.add(hkdfCase(Bytes.hex(fixedKey("hkdf ikm")), Bytes.hex(new byte[32]),
                Bytes.hex(X3dh.INFO), 32));
        ArrayNode root_ = root.putArray("kdfRoot");
        byte[] rk = fixedKey("root key");
        byte[] dh = fixedKey("dh output");
        byte[][] out = DoubleRatchet.kdfRoot(rk, dh);
        root_.addObject().put("rootKey", Bytes.hex(rk)).put("dhOutput", Bytes.hex(dh))
                .put("info", new String(DoubleRatchet.ROOT_INFO, StandardCharsets.US_ASCII))
                .put("newRootKey", Bytes.hex(out[0])).put("chainKey", Bytes.hex(out[1]));
        ObjectNode chain = root.putObject("kdfChain");
        byte[] ck = fixedKey("chain key");
        chain.put("chainKey", Bytes.hex(ck));
        ArrayNode steps = chain.putArray("steps");
        for (int i = 0; i < 3; i++) {
            byte[][] next = DoubleRatchet.kdfChain(ck);
            steps.addObject().put("messageKey", Bytes.hex(next[1])).put("nextChainKey", Bytes.hex(next[0]))
                    .put("aeadKey", Bytes.hex(DoubleRatchet.messageKey(next[1])));
            ck = next[0];
        }
        return root;
    }

    private static ObjectNode hkdfCase(String ikm, String salt, String info, int length) {
        return JSON.createObjectNode().put("ikm", ikm).put("salt", salt).put("info", info).put("length", length)
                .put("okm", Bytes.hex(Hkdf.derive(Bytes.hex(salt), Bytes.hex(ikm), Bytes.hex(info), length)));
    }

    // ---- x3dh.json ----

    /** Alice and Bob with fixed keys; the same devices feed the ratchet vectors. */
    public static LocalDevice alice() {
        return LocalDevice.fromKeys(1111, Sodium.ed25519FromSeed(fixedKey("alice identity")),
                Sodium.x25519FromPrivate(fixedKey("alice agreement")), Sodium.x25519FromPrivate(fixedKey("alice signed prekey")),
                FIXED_TIME);
    }

    public static LocalDevice bob() {
        return LocalDevice.fromKeys(2222, Sodium.ed25519FromSeed(fixedKey("bob identity")),
                Sodium.x25519FromPrivate(fixedKey("bob agreement")), Sodium.x25519FromPrivate(fixedKey("bob signed prekey")),
                FIXED_TIME);
    }

    public static X25519KeyPair bobOneTimePrekey() {
        return Sodium.x25519FromPrivate(fixedKey("bob one-time prekey"));
    }

    public static JsonNode x3dh() {
        LocalDevice alice = alice();
        LocalDevice bob = bob();
        X25519KeyPair opk = bobOneTimePrekey();
        X25519KeyPair ephemeral = Sodium.x25519FromPrivate(fixedKey("alice ephemeral"));
        ObjectNode root = JSON.createObjectNode();
        root.put("description", "X3DH with fixed keys; SK with and without the one-time prekey; AD; signatures of docs/identity.md; PQXDH with a fixed ML-KEM-768 key and encapsulation");
        root.set("alice", deviceNode(alice));
        root.set("bob", deviceNode(bob));
        root.put("bobOneTimePrekeyPrivate", Bytes.hex(opk.privateKey())).put("bobOneTimePrekeyPublic", Bytes.hex(opk.publicKey()));
        root.put("aliceEphemeralPrivate", Bytes.hex(ephemeral.privateKey())).put("aliceEphemeralPublic", Bytes.hex(ephemeral.publicKey()));
        DeviceBundle withOpk = withOneTime(bob.bundle("bob", 1, null), 7, opk.publicKey());
        DeviceBundle withoutOpk = bob.bundle("bob", 1, null);
        root.put("sharedSecretWithOneTimePrekey", Bytes.hex(X3dh.initiate(alice, withOpk.verified(), ephemeral).sharedSecret()));
        root.put("sharedSecretWithoutOneTimePrekey", Bytes.hex(X3dh.initiate(alice, withoutOpk.verified(), ephemeral).sharedSecret()));
        root.put("associatedData", Bytes.hex(X3dh.associatedData(alice.identity().publicKey(), alice.agreement().publicKey(),
                bob.identity().publicKey(), bob.agreement().publicKey())));

        // PQXDH: the same keys plus Bob's ML-KEM-768 prekey (seed d ‖ z) and a fixed encapsulation message m.
        byte[] kemSeed = bobKemSeed();
        MlKem768.KeyPair kem = MlKem768.fromSeed(kemSeed);
        byte[] m = fixedKey("alice kem encapsulation");
        MlKem768.Encapsulation encapsulation = MlKem768.encapsulate(kem.publicKey(), m);
        bob.setKemLastResortPrekey(3, kem, FIXED_TIME);
        DeviceBundle pq = bob.bundleWithKem("bob", 1, null, null);
        DeviceBundle pqWithOpk = new DeviceBundle("bob", 1, pq.registrationId(), pq.identityKey(), pq.agreementKey(),
                pq.agreementKeySignature(), pq.signedPrekeyId(), pq.signedPrekey(), pq.signedPrekeySignature(), 7,
                opk.publicKey(), pq.kemPrekeyId(), pq.kemPrekey(), pq.kemPrekeySignature(), true).verified();
        X3dh.Initiation pqxdh = X3dh.initiate(alice, pqWithOpk, ephemeral, m);
        ObjectNode pqNode = root.putObject("pqxdh");
        pqNode.put("kemPrekeyId", 3).put("kemSeed", Bytes.hex(kemSeed)).put("kemPublicKey", Bytes.hex(kem.publicKey()))
                .put("kemPrekeySignature", Bytes.hex(pq.kemPrekeySignature()))
                .put("encapsulationRandomness", Bytes.hex(m)).put("kemCiphertext", Bytes.hex(encapsulation.ciphertext()))
                .put("kemSharedSecret", Bytes.hex(encapsulation.sharedSecret()))
                .put("info", new String(X3dh.PQ_INFO, StandardCharsets.US_ASCII))
                .put("sharedSecretWithOneTimePrekey", Bytes.hex(pqxdh.sharedSecret()));
        return root;
    }

    private static ObjectNode deviceNode(LocalDevice device) {
        return JSON.createObjectNode()
                .put("identitySeed", Bytes.hex(device.identity().seed()))
                .put("identityKey", Bytes.hex(device.identity().publicKey()))
                .put("agreementPrivate", Bytes.hex(device.agreement().privateKey()))
                .put("agreementKey", Bytes.hex(device.agreement().publicKey()))
                .put("agreementKeySignature", Bytes.hex(device.agreementSignature()))
                .put("signedPrekeyId", device.currentSignedPrekey().keyId())
                .put("signedPrekeyPrivate", Bytes.hex(device.currentSignedPrekey().keyPair().privateKey()))
                .put("signedPrekey", Bytes.hex(device.currentSignedPrekey().keyPair().publicKey()))
                .put("signedPrekeySignature", Bytes.hex(device.currentSignedPrekey().signature()));
    }

    private static DeviceBundle withOneTime(DeviceBundle b, int id, byte[] key) {
        return new DeviceBundle(b.accountId(), b.deviceId(), b.registrationId(), b.identityKey(), b.agreementKey(),
                b.agreementKeySignature(), b.signedPrekeyId(), b.signedPrekey(), b.signedPrekeySignature(), id, key);
    }

    // ---- ratchet.json ----

    /**
     * A fixed sequence of X25519 key pairs, SHA-256("SecureConnect test vector <prefix> <i>"), and of message
     * nonces, the first 24 bytes of SHA-256("SecureConnect test vector <prefix> nonce <i>").
     */
    public static KeySource fixedKeys(String prefix) {
        return fixedKeys(prefix, null);
    }

    /** The same with a fixed ML-KEM encapsulation randomness m (PQXDH setup); null: random. */
    public static KeySource fixedKeys(String prefix, byte[] kemRandomness) {
        int[] keyCounter = {0};
        int[] nonceCounter = {0};
        return new KeySource() {
            @Override
            public X25519KeyPair nextX25519() {
                return Sodium.x25519FromPrivate(fixedKey(prefix + " " + keyCounter[0]++));
            }

            @Override
            public byte[] nextNonce() {
                return java.util.Arrays.copyOf(fixedKey(prefix + " nonce " + nonceCounter[0]++), 24);
            }

            @Override
            public byte[] kemEncapsulationRandomness() {
                return kemRandomness == null ? null : kemRandomness.clone();
            }
        };
    }

    /** Bob's ML-KEM-768 last-resort prekey (id 3) of x3dh.json's "pqxdh": seed d ‖ z. */
    public static byte[] bobKemSeed() {
        return Bytes.concat(fixedKey("bob kem prekey d"), fixedKey("bob kem prekey z"));
    }

    /** The conversation of ratchet.json: A→B twice (prekey messages), B→A, A→B (first ratchet steps). */
    public static final List<String[]> CONVERSATION = List.of(
            new String[] {"alice", "m0 from alice"}, new String[] {"alice", "m1 from alice"},
            new String[] {"bob", "r0 from bob"}, new String[] {"alice", "m2 from alice after reply"},
            new String[] {"bob", "r1 from bob"});

    public static JsonNode ratchet() {
        LocalDevice aliceDevice = alice();
        LocalDevice bobDevice = bob();
        X25519KeyPair opk = bobOneTimePrekey();
        bobDevice.setKemLastResortPrekey(3, MlKem768.fromSeed(bobKemSeed()), FIXED_TIME);
        InMemoryProtocolStore bobStore = new InMemoryProtocolStore(bobDevice);
        bobDevice.addOneTimePrekey(7, opk);
        SessionCipher alice = new SessionCipher(new InMemoryProtocolStore(aliceDevice),
                fixedKeys("alice ratchet", fixedKey("alice kem encapsulation")));
        SessionCipher bob = new SessionCipher(bobStore, fixedKeys("bob ratchet"));
        DeviceAddress aliceAddress = new DeviceAddress("alice", 1);
        DeviceAddress bobAddress = new DeviceAddress("bob", 1);
        alice.startSession(bobDevice.bundle("bob", 1, 7));

        ObjectNode root = JSON.createObjectNode();
        root.put("description", "First Double Ratchet steps after a PQXDH setup with the keys of x3dh.json (Bob's one-time"
                + " prekey 7 and his last-resort ML-KEM-768 prekey 3 of 'pqxdh', encapsulated with its"
                + " 'encapsulationRandomness'). Alice's ephemeral and ratchet keys are 'alice ratchet 0', 'alice ratchet 1', ...;"
                + " Bob's 'bob ratchet 0', ...: private key = SHA-256(\"SecureConnect test vector \" + name); the n-th message"
                + " nonce a side draws is the first 24 bytes of SHA-256(\"SecureConnect test vector \" + prefix + \" nonce \" + n)."
                + " Messages are the full wire bytes. 'refused' are messages a receiver must refuse, each at the given"
                + " point of the conversation (after the first 'after' messages were received), changing nothing."
                + " 'outOfOrderToBob': indexes of messages to Bob in the order a fresh Bob must decrypt them (skipped keys).");
        root.put("aliceKeyPrefix", "alice ratchet").put("bobKeyPrefix", "bob ratchet");
        ArrayNode messages = root.putArray("messages");
        List<byte[]> wires = new java.util.ArrayList<>();
        for (String[] step : CONVERSATION) {
            boolean fromAlice = step[0].equals("alice");
            byte[] plaintext = step[1].getBytes(StandardCharsets.UTF_8);
            byte[] wire = fromAlice ? alice.encrypt(bobAddress, plaintext) : bob.encrypt(aliceAddress, plaintext);
            byte[] decrypted = fromAlice ? bob.decrypt(aliceAddress, wire) : alice.decrypt(bobAddress, wire);
            if (!java.util.Arrays.equals(plaintext, decrypted)) {
                throw new IllegalStateException("vector does not round-trip");
            }
            wires.add(wire);
            messages.addObject().put("from", step[0]).put("plaintext", step[1]).put("wire", Bytes.hex(wire));
        }
        // Out of order: a receiver given only Alice's messages, the second before the first (the first is then
        // read with a skipped key), must read them all; Bob's replies are not needed to decrypt them in this order.
        ArrayNode outOfOrder = root.putArray("outOfOrderToBob");
        outOfOrder.add(1).add(0);
        ArrayNode refused = root.putArray("refused");
        byte[] first = wires.get(0);
        // A downgrade: the first message with its KEM part (kind, id, ciphertext) cut out and typed 0x02 (X3DH).
        int kemStart = 1 + 168;
        int kemEnd = kemStart + 1 + 4 + MlKem768.CIPHERTEXT_BYTES;
        byte[] downgraded = Bytes.concat(new byte[] {0x02}, java.util.Arrays.copyOfRange(first, 1, kemStart),
                java.util.Arrays.copyOfRange(first, kemEnd, first.length));
        refused.addObject().put("name", "x3dh-setup-refused").put("to", "bob").put("after", 0)
                .put("expect", "downgrade").put("wire", Bytes.hex(downgraded));
        byte[] badTag = first.clone();
        badTag[badTag.length - 1] ^= 1;
        refused.addObject().put("name", "bad-tag").put("to", "bob").put("after", 0)
                .put("expect", "invalid").put("wire", Bytes.hex(badTag));
        byte[] badSignature = first.clone();
        badSignature[1 + 64 + 10] ^= 1; // inside agreementKeySignature_A
        refused.addObject().put("name", "bad-agreement-key-signature").put("to", "bob").put("after", 0)
                .put("expect", "invalid").put("wire", Bytes.hex(badSignature));
        refused.addObject().put("name", "duplicate").put("to", "bob").put("after", 2)
                .put("expect", "duplicate").put("wire", Bytes.hex(wires.get(1)));
        refused.addObject().put("name", "truncated").put("to", "bob").put("after", 0)
                .put("expect", "invalid").put("wire", Bytes.hex(java.util.Arrays.copyOf(first, 100)));
        return root;
    }

    // ---- safety-number.json ----

    public static JsonNode safetyNumber() {
        LocalDevice alice = alice();
        LocalDevice bob = bob();
        byte[] bobSecond = Sodium.ed25519FromSeed(fixedKey("bob second device identity")).publicKey();
        SafetyNumber number = SafetyNumber.of("alice-account", List.of(alice.identity().publicKey()),
                "bob-account", List.of(bob.identity().publicKey(), bobSecond));
        ObjectNode root = JSON.createObjectNode();
        root.put("description", "Safety number of alice-account (one device) and bob-account (two devices)");
        root.put("localAccountId", "alice-account");
        root.putArray("localIdentityKeys").add(Bytes.hex(alice.identity().publicKey()));
        root.put("remoteAccountId", "bob-account");
        root.putArray("remoteIdentityKeys").add(Bytes.hex(bob.identity().publicKey())).add(Bytes.hex(bobSecond));
        root.put("localFingerprint", Bytes.hex(SafetyNumber.fingerprint("alice-account", List.of(alice.identity().publicKey()))));
        root.put("digits", number.digits());
        root.put("qr", number.qrText());
        return root;
    }

    // ---- secretstream.json ----

    public static JsonNode secretstream() throws IOException {
        byte[] plaintext = new byte[70_000];
        for (int i = 0; i < plaintext.length; i++) {
            plaintext[i] = (byte) i;
        }
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        var pointer = net.secureconnect.sdk.attachment.AttachmentCipher.encrypt(new ByteArrayInputStream(plaintext), blob);
        ObjectNode root = JSON.createObjectNode();
        root.put("description", "An attachment of 70000 bytes (byte i = i mod 256), padded to P(70000) = 73728"
                + " bytes, two chunks; libsodium picks the secretstream header at random, so decrypt this blob"
                + " rather than re-encrypt");
        root.put("plaintextSha256", Bytes.hex(Sodium.sha256(plaintext)));
        root.set("pointer", pointer.toJson());
        root.put("blob", Bytes.hex(blob.toByteArray()));
        return root;
    }

    // ---- attachments.json ----

    /** Sizes whose padded length P(n) the vectors list (§7): bucket edges and the 50 MiB CLI limit. */
    private static final long[] PADDED_SIZE_CASES = {0, 1, 512, 513, 1000, 1024, 1025, 65535, 65536, 65537, 70000,
            1_048_576, 1_048_577, 52_428_800, 52_428_801};

    /**
     * Attachment edges (§7): the padded length table, accepted blobs (empty, exactly 64 KiB, a padded
     * 1000-byte file) and blobs a receiver must refuse (truncated, padding not zero, wrong padded length,
     * wrong digest). Keys are fixed; the secretstream header is random, so a reader decrypts.
     */
    public static JsonNode attachments() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("description", "Attachment padding and edges (docs/protocol-crypto.md section 7). File byte i = i mod 256."
                + " accepted: decrypt, compare plaintextSha256 (of the size file bytes) and blobLength. refused: the"
                + " receiver must refuse; a blob given as truncatedFrom/length is the first length bytes of that accepted"
                + " case's blob, its pointer = that case's key and size with digest = SHA-256 of the cut blob.");
        ArrayNode sizes = root.putArray("paddedSizes");
        for (long n : PADDED_SIZE_CASES) {
            sizes.addObject().put("size", n).put("padded", net.secureconnect.sdk.attachment.AttachmentCipher.paddedSize(n))
                    .put("blobLength", net.secureconnect.sdk.attachment.AttachmentCipher.ciphertextSize(n));
        }
        ArrayNode accepted = root.putArray("accepted");
        Map<String, byte[]> blobs = new java.util.LinkedHashMap<>();
        for (Object[] c : new Object[][] {{"empty", 0}, {"exactly-64KiB", 65536}, {"padded", 1000}}) {
            String name = (String) c[0];
            byte[] file = pattern((int) c[1]);
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            var pointer = net.secureconnect.sdk.attachment.AttachmentCipher.encrypt(new ByteArrayInputStream(file), blob,
                    fixedKey("attachment " + name));
            blobs.put(name, blob.toByteArray());
            accepted.addObject().put("name", name).put("plaintextSha256", Bytes.hex(Sodium.sha256(file)))
                    .put("blobLength", blob.size()).<ObjectNode>set("pointer", pointer.toJson())
                    .put("blob", Bytes.hex(blob.toByteArray()));
        }
        ArrayNode refused = root.putArray("refused");
        refused.add(cut("truncated-to-header", "empty", 24, 0, blobs, "blob truncated: no final chunk"));
        refused.add(cut("truncated-by-one-byte", "exactly-64KiB", 65536 + 24 + 17 - 1, 65536, blobs,
                "chunk does not authenticate"));
        byte[] dirty = new byte[512];
        System.arraycopy(pattern(100), 0, dirty, 0, 100);
        dirty[511] = 1;
        refused.add(raw("padding-not-zero", dirty, 100, "padding is not all zero"));
        refused.add(raw("not-padded", pattern(600), 600, "padded length 600 differs from P(600) = 608"));
        byte[] tooLong = new byte[1024];
        System.arraycopy(pattern(100), 0, tooLong, 0, 100);
        refused.add(raw("padded-too-long", tooLong, 100, "plaintext longer than the padded size 512"));
        ObjectNode badDigest = JSON.createObjectNode().put("name", "bad-digest")
                .put("reason", "digest mismatch (the blob is the empty case's)");
        var empty = accepted.get(0).get("pointer");
        badDigest.putObject("pointer").put("key", empty.get("key").asText()).put("size", 0)
                .put("digest", Bytes.base64(new byte[32]));
        badDigest.put("blob", Bytes.hex(blobs.get("empty")));
        refused.add(badDigest);
        return root;
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static ObjectNode cut(String name, String from, int length, long size, Map<String, byte[]> blobs, String reason) {
        byte[] blob = java.util.Arrays.copyOf(blobs.get(from), length);
        ObjectNode c = JSON.createObjectNode().put("name", name).put("reason", reason).put("truncatedFrom", from)
                .put("length", length);
        c.putObject("pointer").put("key", Bytes.base64(fixedKey("attachment " + from))).put("size", size)
                .put("digest", Bytes.base64(Sodium.sha256(blob)));
        return c;
    }

    /** A blob over exactly {@code padded} (no padding applied), its pointer claiming {@code size}. */
    private static ObjectNode raw(String name, byte[] padded, long size, String reason) throws IOException {
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        byte[] key = fixedKey("attachment " + name);
        var sealed = net.secureconnect.sdk.attachment.AttachmentCipher.encryptRaw(new ByteArrayInputStream(padded), blob, key);
        ObjectNode c = JSON.createObjectNode().put("name", name).put("reason", reason);
        c.set("pointer", new net.secureconnect.sdk.attachment.AttachmentPointer(key, size, sealed.digest()).toJson());
        c.put("blob", Bytes.hex(blob.toByteArray()));
        return c;
    }
}
