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

    // ---- rollback (§8 "Rollback") ----

    @Test
    void aRestoredOlderCopyOfTheProfileIsDetectedAndItsSessionsAreResetNotReused(@TempDir Path witness,
                                                                                @TempDir Path backup) throws Exception {
        LocalDevice bobDevice = LocalDevice.generate();
        bobDevice.generateOneTimePrekeys(3);
        DeviceAddress bobAddress = new DeviceAddress("bob", 1);
        Party alice = new Party("alice", 1);
        Party bobPeer = new Party(bobAddress, bobDevice);
        byte[] setup;
        try (ProfileStore store = ProfileStore.create(root, "bob", PASSPHRASE, bobDevice, FAST, witness)) {
            SessionCipher bob = new SessionCipher(store);
            alice.cipher.startSession(bobDevice.bundle("bob", 1, 1));
            setup = alice.cipher.encrypt(bobAddress, bytes("one"));
            assertEquals("one", text(bob.decrypt(alice.address, setup)));
        }
        copyTree(root.resolve("bob"), backup.resolve("bob")); // the backup
        long counterAtBackup;
        byte[] afterRestore;
        try (ProfileStore store = ProfileStore.open(root, "bob", PASSPHRASE, witness)) {
            assertTrue(store.rollbackDetected().isEmpty(), "a normal reopen is not a rollback");
            counterAtBackup = store.stateCounter();
            SessionCipher bob = new SessionCipher(store);
            // the conversation goes on after the backup: bob's ratchet moves forward
            assertEquals("two", alice.receive(bobPeer, bob.encrypt(alice.address, bytes("two"))));
            assertEquals("three", text(bob.decrypt(alice.address, alice.cipher.encrypt(bobAddress, bytes("three")))));
            assertTrue(store.stateCounter() > counterAtBackup);
            afterRestore = alice.cipher.encrypt(bobAddress, bytes("four"));
        }
        int oldSignedPrekey = bobDevice.currentSignedPrekey().keyId();

        // The older copy is put back (a backup restore, a sync tool, or someone with access to the files).
        deleteTree(root.resolve("bob"));
        copyTree(backup.resolve("bob"), root.resolve("bob"));
        try (ProfileStore store = ProfileStore.open(root, "bob", PASSPHRASE, witness)) {
            ProfileStore.Rollback rollback = store.rollbackDetected().orElseThrow();
            assertTrue(rollback.profileCounter() < rollback.witnessCounter(), rollback.toString());
            assertEquals(1, rollback.sessionsDropped());
            assertTrue(rollback.message().startsWith("this profile is OLDER than the one last used on this computer"),
                    "what the user sees: " + rollback.message());
            // sessions are not reused: the restored (older) session is gone, so bob cannot re-encrypt with old keys
            assertTrue(store.sessionRecord(alice.address).isEmpty());
            SessionCipher bob = new SessionCipher(store);
            assertThrows(IllegalStateException.class, () -> bob.encrypt(alice.address, bytes("reuse")));
            var e = assertThrows(net.secureconnect.sdk.protocol.InvalidMessageException.class,
                    () -> bob.decrypt(alice.address, afterRestore));
            assertEquals("no session with alice/1", e.getMessage(), "reported; a reset is requested (§5.4)");
            // every restored prekey is replaced: the old setup (replayed) names keys bob no longer has
            LocalDevice restored = store.localDevice();
            assertTrue(restored.currentSignedPrekey().keyId() > oldSignedPrekey + 60_000);
            assertTrue(restored.signedPrekey(oldSignedPrekey).isEmpty());
            assertTrue(restored.oneTimePrekeys().isEmpty());
            assertThrows(net.secureconnect.sdk.protocol.InvalidMessageException.class, () -> bob.decrypt(alice.address, setup));
            // a fresh session from bob's new bundle works
            alice.cipher.startSession(restored.bundle("bob", 1, null));
            assertEquals("new", text(bob.decrypt(alice.address, alice.cipher.encrypt(bobAddress, bytes("new")))));
        }
        try (ProfileStore store = ProfileStore.open(root, "bob", PASSPHRASE, witness)) {
            assertTrue(store.rollbackDetected().isEmpty(), "reported once; the counter continues above the witness");
        }
        // What it does not detect: the same older copy on a machine without this witness (a moved profile, a
        // restored home folder that brought an old witness along) opens as current.
        deleteTree(root.resolve("bob"));
        copyTree(backup.resolve("bob"), root.resolve("bob"));
        try (ProfileStore store = ProfileStore.open(root, "bob", PASSPHRASE, backup.resolve("elsewhere"))) {
            assertTrue(store.rollbackDetected().isEmpty());
        }
    }

    @Test
    void aTamperedWitnessDetectsNothingButDoesNotLockTheUserOut(@TempDir Path witness) throws Exception {
        try (ProfileStore ignored = ProfileStore.create(root, "w", PASSPHRASE, LocalDevice.generate(), FAST, witness)) {
            // created
        }
        try (var files = Files.list(witness)) {
            Path file = files.findFirst().orElseThrow();
            byte[] data = Files.readAllBytes(file);
            data[data.length - 1] ^= 1;
            Files.write(file, data);
        }
        try (ProfileStore store = ProfileStore.open(root, "w", PASSPHRASE, witness)) {
            assertTrue(store.rollbackDetected().isEmpty());
        }
    }

    // ---- base keys per signed prekey (§5.1) ----

    @Test
    void aReplayedSetupToAStillValidOldSignedPrekeyIsRefusedAndItsBaseKeysGoWithIt() throws Exception {
        long day = 24L * 3600 * 1000;
        LocalDevice bobDevice = LocalDevice.generate();
        DeviceAddress bobAddress = new DeviceAddress("bob", 1);
        Party alice = new Party("alice", 1);
        byte[] setup;
        long t0 = bobDevice.currentSignedPrekey().createdAtMillis();
        try (ProfileStore store = ProfileStore.create(root, "bob", PASSPHRASE, bobDevice, FAST)) {
            SessionCipher bob = new SessionCipher(store);
            // no one-time prekey (the server's stock was drained): only the signed prekey and the last-resort KEM key
            alice.cipher.startSession(bobDevice.bundle("bob", 1, null));
            setup = alice.cipher.encrypt(bobAddress, bytes("once"));
            assertEquals("once", text(bob.decrypt(alice.address, setup)));
            assertEquals(1, store.baseKeyCount(1));
            bobDevice.rotateIfDue(t0 + 8 * day); // signed prekey 2 current, 1 kept for its grace period
            store.localDeviceChanged();
            assertEquals(1, store.baseKeyCount(1), "kept as long as its signed prekey");
        }
        try (ProfileStore store = ProfileStore.open(root, "bob", PASSPHRASE)) {
            SessionCipher bob = new SessionCipher(store);
            store.removeSessionRecord(alice.address); // the session is gone (a reset, 'sc trust'): only the memory is left
            // A relay replays alice's setup message: its keys are all still valid, the base-key memory refuses it.
            var e = assertThrows(DuplicateMessageException.class, () -> bob.decrypt(alice.address, setup));
            assertEquals("session setup with this base key already accepted", e.getMessage());
            assertTrue(store.sessionRecord(alice.address).isEmpty(), "nothing stored");

            LocalDevice reopened = store.localDevice();
            reopened.rotateIfDue(t0 + 39 * day); // 31 days after its replacement signed prekey 1 is deleted
            store.localDeviceChanged();
            assertTrue(reopened.signedPrekey(1).isEmpty());
            assertEquals(0, store.baseKeyCount(1), "deleted with its signed prekey");
            var unknown = assertThrows(net.secureconnect.sdk.protocol.InvalidMessageException.class,
                    () -> bob.decrypt(alice.address, setup));
            assertEquals("unknown signed prekey 1", unknown.getMessage());
        }
    }

    @Test
    void aPreIssue15GlobalBaseKeyListStaysCheckedUntilTheSignedPrekeysOfThatTimeAreGone() throws Exception {
        long day = 24L * 3600 * 1000;
        LocalDevice device = LocalDevice.generate();
        long t0 = device.currentSignedPrekey().createdAtMillis();
        try (ProfileStore ignored = ProfileStore.create(root, "old", PASSPHRASE, device, FAST)) {
            // created
        }
        Path dir = root.resolve("old");
        var header = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("profile.json").toFile());
        var kdf = header.get("kdf");
        byte[] k = net.secureconnect.sdk.crypto.Sodium.argon2id(new String(PASSPHRASE).getBytes(StandardCharsets.UTF_8),
                java.util.Base64.getDecoder().decode(kdf.get("salt").asText()), kdf.get("opsLimit").asLong(),
                kdf.get("memLimit").asLong(), 32);
        byte[] ek = net.secureconnect.sdk.crypto.Sodium.randomBytes(32);
        byte[] legacy = ("{\"baseKeys\":[\"" + java.util.Base64.getEncoder().encodeToString(ek) + "\"]}")
                .getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("basekeys.bin"), sealState(k, "basekeys.bin", legacy));
        try (ProfileStore store = ProfileStore.open(root, "old", PASSPHRASE)) {
            assertTrue(store.isBaseKeyKnown(1, ek), "checked for the signed prekey present at migration");
            store.localDevice().rotateIfDue(t0 + 8 * day);
            store.localDeviceChanged();
            assertTrue(store.isBaseKeyKnown(1, ek), "still, while signed prekey 1 is kept");
            assertFalse(store.isBaseKeyKnown(2, ek), "not for a signed prekey made after the migration");
        }
        try (ProfileStore store = ProfileStore.open(root, "old", PASSPHRASE)) {
            assertTrue(store.isBaseKeyKnown(1, ek), "kept across a reopen");
            store.localDevice().rotateIfDue(t0 + 40 * day);
            store.localDeviceChanged();
            assertFalse(store.isBaseKeyKnown(1, ek), "deleted with the last signed prekey of that time");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals("lock")) {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
