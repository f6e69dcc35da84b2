package net.secureconnect.sdk;

import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.protocol.DuplicateMessageException;
import net.secureconnect.sdk.protocol.SessionCipher;
import net.secureconnect.sdk.store.KdfParameters;
import net.secureconnect.sdk.store.ProfileStore;
import net.secureconnect.sdk.store.StateStoreException;
import net.secureconnect.sdk.store.WrongPassphraseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileStoreTest {

    private static final KdfParameters FAST = KdfParameters.MINIMUM_FOR_TESTS;
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    @TempDir
    Path root;

    @Test
    void sessionsAndKeysSurviveARestart() throws Exception {
        Party alice = new Party("alice", 1);
        LocalDevice bobDevice = LocalDevice.generate();
        bobDevice.generateOneTimePrekeys(3);
        DeviceAddress bobAddress = new DeviceAddress("bob", 1);
        byte[] bobIdentity = bobDevice.identity().publicKey();

        byte[] first;
        byte[] pendingWhileBobIsOffline;
        try (ProfileStore store = ProfileStore.create(root, "bob", PASSPHRASE, bobDevice, FAST)) {
            SessionCipher bob = new SessionCipher(store);
            alice.cipher.startSession(bobDevice.bundle("bob", 1, 1));
            first = alice.cipher.encrypt(bobAddress, bytes("one"));
            assertEquals("one", text(bob.decrypt(alice.address, first)));
            assertEquals("two", alice.receive(new Party(bobAddress, bobDevice), bob.encrypt(alice.address, bytes("two"))));
            pendingWhileBobIsOffline = alice.cipher.encrypt(bobAddress, bytes("three"));
        }
        // No key material in the clear on disk.
        String seed = java.util.Base64.getEncoder().encodeToString(bobDevice.identity().seed());
        try (var files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains(seed) || content.contains("identitySeed") || content.contains("\"rk\""), file.toString());
            }
        }

        try (ProfileStore store = ProfileStore.open(root, "bob", PASSPHRASE)) {
            assertArrayEquals(bobIdentity, store.localDevice().identity().publicKey());
            assertFalse(store.localDevice().oneTimePrekey(1).isPresent(), "one-time prekey 1 was consumed");
            assertTrue(store.localDevice().oneTimePrekey(2).isPresent());
            SessionCipher bob = new SessionCipher(store);
            assertEquals("three", text(bob.decrypt(alice.address, pendingWhileBobIsOffline)));
            // replay protection survives the restart too
            assertThrows(DuplicateMessageException.class, () -> bob.decrypt(alice.address, first));
            byte[] reply = bob.encrypt(alice.address, bytes("four"));
            assertEquals("four", text(alice.cipher.decrypt(bobAddress, reply)));
        }
        try (var files = Files.walk(root)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary files left");
        }
    }

    @Test
    void wrongPassphraseIsRefusedWithATypedException() throws Exception {
        ProfileStore.create(root, "p", PASSPHRASE, LocalDevice.generate(), FAST).close();
        WrongPassphraseException e = assertThrows(WrongPassphraseException.class,
                () -> ProfileStore.open(root, "p", "wrong".toCharArray()));
        assertTrue(e.getMessage().contains("wrong passphrase"));
        ProfileStore.open(root, "p", PASSPHRASE).close();
    }

    @Test
    void defaultArgon2idCostsWork() throws Exception {
        ProfileStore.create(root, "interactive", PASSPHRASE, LocalDevice.generate(), KdfParameters.INTERACTIVE).close();
        ProfileStore.open(root, "interactive", PASSPHRASE).close();
        assertThrows(WrongPassphraseException.class, () -> ProfileStore.open(root, "interactive", new char[0]));
    }

    @Test
    void tamperedOrSwappedFilesAreDetected() throws Exception {
        ProfileStore.create(root, "p", PASSPHRASE, LocalDevice.generate(), FAST).close();
        Path device = root.resolve("p/device.bin");
        byte[] original = Files.readAllBytes(device);
        byte[] tampered = original.clone();
        tampered[tampered.length - 3] ^= 1;
        Files.write(device, tampered);
        assertThrows(StateStoreException.class, () -> ProfileStore.open(root, "p", PASSPHRASE));
        // a valid file under another name (its name is in the associated data)
        Files.write(device, Files.readAllBytes(root.resolve("p/basekeys.bin")));
        assertThrows(StateStoreException.class, () -> ProfileStore.open(root, "p", PASSPHRASE));
        Files.write(device, original);
        ProfileStore.open(root, "p", PASSPHRASE).close();
    }

    @Test
    void oneProcessAtATimeAndNoDuplicateProfiles() throws Exception {
        try (ProfileStore store = ProfileStore.create(root, "p", PASSPHRASE, LocalDevice.generate(), FAST)) {
            assertThrows(StateStoreException.class, () -> ProfileStore.open(root, "p", PASSPHRASE));
            assertThrows(StateStoreException.class,
                    () -> ProfileStore.create(root, "p", PASSPHRASE, LocalDevice.generate(), FAST));
        }
        assertThrows(StateStoreException.class, () -> ProfileStore.open(root, "missing", PASSPHRASE));
        assertThrows(IllegalArgumentException.class, () -> ProfileStore.open(root, "../escape", PASSPHRASE));
    }

    @Test
    void profilesAreSeparateFolders() throws Exception {
        ProfileStore.create(root, "work", PASSPHRASE, LocalDevice.generate(), FAST).close();
        ProfileStore.create(root, "home", "other".toCharArray(), LocalDevice.generate(), FAST).close();
        try (ProfileStore work = ProfileStore.open(root, "work", PASSPHRASE);
             ProfileStore home = ProfileStore.open(root, "home", "other".toCharArray())) {
            assertFalse(Arrays.equals(work.localDevice().identity().publicKey(), home.localDevice().identity().publicKey()));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }


    @Test
    void theProfileIsPrivateAndItsFileNamesDoNotRevealContacts() throws Exception {
        LocalDevice device = LocalDevice.generate();
        DeviceAddress carol = new DeviceAddress("carol-account-id", 3);
        Party peer = new Party(carol, LocalDevice.generate());
        try (ProfileStore store = ProfileStore.create(root, "private", PASSPHRASE, device, FAST)) {
            new net.secureconnect.sdk.protocol.SessionCipher(store).startSession(peer.bundle());
            store.writeDocument("history", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        }
        Path dir = root.resolve("private");
        var privateFile = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        var privateDir = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
        assertEquals(privateDir, java.nio.file.Files.getPosixFilePermissions(dir));
        assertEquals(privateDir, java.nio.file.Files.getPosixFilePermissions(dir.resolve("sessions")));
        assertEquals(privateDir, java.nio.file.Files.getPosixFilePermissions(dir.resolve("data")));
        try (var files = java.nio.file.Files.walk(dir)) {
            for (Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().equals("profile.json")) {
                    assertEquals(privateFile, java.nio.file.Files.getPosixFilePermissions(file), file.toString());
                }
                String hexOfAccount = net.secureconnect.sdk.crypto.Bytes.hex("carol-account-id".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertFalse(file.toString().contains("carol") || file.toString().contains(hexOfAccount), file.toString());
            }
        }
    }

    /**
     * §8: a session file under the pre-issue-15 name {@code <hex(UTF-8 accountId)>.<deviceId>.bin} is renamed to
     * the HMAC name when the profile opens, and the session in it still works. The legacy file is made from the
     * spec's rules alone (K from profile.json's Argon2id parameters, AD = label ‖ 0x00 ‖ file name).
     */
    @Test
    void aSessionFileUnderTheLegacyNameIsRenamedWhenTheProfileOpens() throws Exception {
        LocalDevice bobDevice = LocalDevice.generate();
        DeviceAddress bobAddress = new DeviceAddress("bob", 1);
        Party carol = new Party(new DeviceAddress("carol-account-id", 3), LocalDevice.generate());
        byte[] later;
        try (ProfileStore store = ProfileStore.create(root, "legacy", PASSPHRASE, bobDevice, FAST)) {
            SessionCipher bob = new SessionCipher(store);
            carol.cipher.startSession(bobDevice.bundle("bob", 1, null));
            assertEquals("hi", text(bob.decrypt(carol.address, carol.cipher.encrypt(bobAddress, bytes("hi")))));
            later = carol.cipher.encrypt(bobAddress, bytes("after the rename"));
        }
        Path dir = root.resolve("legacy");
        var header = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("profile.json").toFile());
        var kdf = header.get("kdf");
        byte[] k = net.secureconnect.sdk.crypto.Sodium.argon2id(new String(PASSPHRASE).getBytes(StandardCharsets.UTF_8),
                java.util.Base64.getDecoder().decode(kdf.get("salt").asText()), kdf.get("opsLimit").asLong(),
                kdf.get("memLimit").asLong(), 32);
        Path current;
        try (var files = Files.list(dir.resolve("sessions"))) {
            current = files.filter(f -> f.toString().endsWith(".bin")).findFirst().orElseThrow();
        }
        byte[] json = openState(k, "sessions/" + current.getFileName(), Files.readAllBytes(current));
        String legacyName = "sessions/" + net.secureconnect.sdk.crypto.Bytes.hex("carol-account-id".getBytes(StandardCharsets.UTF_8)) + ".3.bin";
        Files.write(dir.resolve(legacyName), sealState(k, legacyName, json));
        Files.delete(current);

        try (ProfileStore store = ProfileStore.open(root, "legacy", PASSPHRASE)) {
            assertFalse(Files.exists(dir.resolve(legacyName)), "the legacy name is gone");
            assertTrue(Files.exists(current), "renamed to the HMAC name");
            assertArrayEquals(json, openState(k, "sessions/" + current.getFileName(), Files.readAllBytes(current)),
                    "same session, sealed under its new name");
            assertEquals("after the rename", text(new SessionCipher(store).decrypt(carol.address, later)));
        }
        // a legacy file is only accepted under the name of the device it holds: moved to another name, refused
        try (ProfileStore ignored = ProfileStore.open(root, "legacy", PASSPHRASE)) {
            assertTrue(Files.exists(current));
        }
        String wrongLegacy = "sessions/" + net.secureconnect.sdk.crypto.Bytes.hex("mallory".getBytes(StandardCharsets.UTF_8)) + ".3.bin";
        Files.write(dir.resolve(wrongLegacy), sealState(k, wrongLegacy, json));
        assertThrows(StateStoreException.class, () -> ProfileStore.open(root, "legacy", PASSPHRASE));
    }

    private static byte[] openState(byte[] k, String name, byte[] file) {
        assertEquals("SCS1", new String(Arrays.copyOf(file, 4), StandardCharsets.US_ASCII));
        byte[] ad = net.secureconnect.sdk.crypto.Bytes.concat("SecureConnect state v1".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0}, name.getBytes(StandardCharsets.UTF_8));
        return net.secureconnect.sdk.crypto.Sodium.aeadDecrypt(k, Arrays.copyOfRange(file, 4, 28),
                Arrays.copyOfRange(file, 28, file.length), ad);
    }

    private static byte[] sealState(byte[] k, String name, byte[] json) {
        byte[] nonce = net.secureconnect.sdk.crypto.Sodium.randomBytes(24);
        byte[] ad = net.secureconnect.sdk.crypto.Bytes.concat("SecureConnect state v1".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0}, name.getBytes(StandardCharsets.UTF_8));
        return net.secureconnect.sdk.crypto.Bytes.concat("SCS1".getBytes(StandardCharsets.US_ASCII), nonce,
                net.secureconnect.sdk.crypto.Sodium.aeadEncrypt(k, nonce, json, ad));
    }
}
