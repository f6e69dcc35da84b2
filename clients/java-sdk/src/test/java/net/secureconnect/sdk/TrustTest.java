package net.secureconnect.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.protocol.DowngradeException;
import net.secureconnect.sdk.protocol.InMemoryProtocolStore;
import net.secureconnect.sdk.protocol.InvalidMessageException;
import net.secureconnect.sdk.protocol.KeySource;
import net.secureconnect.sdk.protocol.MissingPostQuantumKeyException;
import net.secureconnect.sdk.protocol.SessionCipher;
import net.secureconnect.sdk.protocol.SessionRecord;
import net.secureconnect.sdk.protocol.WireMessage;
import net.secureconnect.sdk.store.KdfParameters;
import net.secureconnect.sdk.store.ProfileStore;
import net.secureconnect.sdk.trust.Fingerprint;
import net.secureconnect.sdk.trust.TrustListener;
import net.secureconnect.sdk.trust.UntrustedIdentityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacks of issue 15 against the session layer, each refused, with what the user is told
 * (docs/protocol-crypto.md §3, §5, §10): a compromised identity-service substituting keys or adding devices,
 * a compromised relay forging setup messages or downgrading to X3DH.
 */
class TrustTest {

    /** What a {@link TrustListener} was told, as the CLI would print it. */
    static final class Seen implements TrustListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void deviceAdded(DeviceAddress device, byte[] identityKey, boolean ownAccount, boolean accepted) {
            events.add((ownAccount ? "own-device-added " : "device-added ") + device + " " + Fingerprint.of(identityKey));
        }

        @Override
        public void identityRefused(UntrustedIdentityException refusal) {
            events.add("refused " + refusal.device() + " " + refusal.reason() + (refusal.verified() ? " verified" : ""));
        }
    }

    private final Seen aliceSees = new Seen();
    private final Seen bobSees = new Seen();
    private final Party alice = party("alice", 1, aliceSees);
    private final Party bob = party("bob", 1, bobSees);

    @Test
    void aSubstitutedBundleKeyIsRefusedUntilTheUserAcceptsIt() {
        assertEquals("hello", bob.receive(alice, alice.send(bob, "hello")));
        Party mallory = new Party(bob.address, LocalDevice.generate()); // the server's key, served as bob/1

        UntrustedIdentityException refused = assertThrows(UntrustedIdentityException.class,
                () -> alice.cipher.startSession(mallory.bundle()));
        assertEquals(UntrustedIdentityException.Reason.IDENTITY_CHANGED, refused.reason());
        assertTrue(refused.getMessage().contains("the identity key of bob device 1 changed (was "
                + Fingerprint.of(bob.device.identity().publicKey()) + ", now " + Fingerprint.of(mallory.device.identity().publicKey())),
                refused.getMessage());
        assertEquals(List.of("refused bob/1 IDENTITY_CHANGED"), aliceSees.events);
        // Nothing changed: alice still encrypts to the real bob only.
        assertArrayEquals(bob.device.identity().publicKey(), alice.cipher.store().session(bob.address).orElseThrow().remoteIdentityKey());
        assertEquals("still you", bob.receive(alice, alice.send(bob, "still you")));

        // The user compares safety numbers and accepts (sc trust bob): the new key is pinned, the old session dropped.
        assertEquals(List.of(bob.address), alice.cipher.trust().accept("bob"));
        assertFalse(alice.cipher.hasSession(bob.address));
        alice.cipher.startSession(mallory.bundle());
        assertEquals("to the new key", mallory.receive(alice, alice.cipher.encrypt(bob.address, bytes("to the new key"))));
    }

    @Test
    void aForgedSetupMessageWithAnotherIdentityKeyIsRefusedAndChangesNothing() {
        assertEquals("hi", bob.receive(alice, alice.send(bob, "hi")));
        assertEquals("hi back", alice.receive(bob, bob.send(alice, "hi back")));
        int oneTimeLeft = bob.device.oneTimePrekeys().size();
        Party forger = new Party(alice.address, LocalDevice.generate()); // the relay, pretending to be alice/1
        byte[] forged = forger.send(bob, "I am alice");

        UntrustedIdentityException refused = assertThrows(UntrustedIdentityException.class, () -> bob.receive(alice, forged));
        assertEquals(alice.address, refused.device());
        assertEquals(List.of("refused alice/1 IDENTITY_CHANGED"), bobSees.events);
        assertEquals(oneTimeLeft, bob.device.oneTimePrekeys().size(), "no one-time prekey consumed");
        // The real session stays current: bob's replies still go to the real alice.
        assertEquals("for alice only", alice.receive(bob, bob.send(alice, "for alice only")));
        assertArrayEquals(alice.device.identity().publicKey(), bob.cipher.store().session(alice.address).orElseThrow().remoteIdentityKey());
    }

    @Test
    void aSetupMessageFromAChangedKeyIsAcceptedAfterTheUserTrustsIt() {
        assertEquals("hi", bob.receive(alice, alice.send(bob, "hi")));
        Party reinstalled = new Party(alice.address, LocalDevice.generate());
        byte[] first = reinstalled.send(bob, "new phone");
        assertThrows(UntrustedIdentityException.class, () -> bob.receive(alice, first));
        bob.cipher.trust().accept("alice");
        // The initiator repeats the setup until it hears back: its next message is accepted.
        assertEquals("new phone again", bob.receive(alice, reinstalled.send(bob, "new phone again")));
    }

    @Test
    void anInjectedPeerDeviceIsReportedBeforeAnythingIsEncryptedToItAndRefusedForAVerifiedContact() {
        alice.send(bob, "hello");
        Party ghost = new Party(new DeviceAddress("bob", 2), LocalDevice.generate());
        alice.cipher.startSession(ghost.bundle());
        assertEquals(List.of("device-added bob/2 " + Fingerprint.of(ghost.device.identity().publicKey())), aliceSees.events,
                "reported when the session is created, before the first encryption");

        // Once bob is verified, a further device is a hard stop.
        alice.cipher.trust().verify("bob");
        Party ghost3 = new Party(new DeviceAddress("bob", 3), LocalDevice.generate());
        UntrustedIdentityException refused = assertThrows(UntrustedIdentityException.class,
                () -> alice.cipher.startSession(ghost3.bundle()));
        assertEquals(UntrustedIdentityException.Reason.NEW_DEVICE_OF_VERIFIED_CONTACT, refused.reason());
        assertTrue(refused.verified());
        assertFalse(alice.cipher.hasSession(ghost3.address));
        // A setup message from that device is refused as well.
        byte[] fromGhost = ghost3.send(alice, "psst");
        assertThrows(UntrustedIdentityException.class, () -> alice.cipher.decrypt(ghost3.address, fromGhost));
        // And a changed key of the verified contact is refused as verified.
        Party mallory = new Party(bob.address, LocalDevice.generate());
        UntrustedIdentityException changed = assertThrows(UntrustedIdentityException.class,
                () -> alice.cipher.startSession(mallory.bundle()));
        assertTrue(changed.verified());
        assertTrue(changed.getMessage().startsWith("the identity key of VERIFIED contact bob"), changed.getMessage());
    }

    @Test
    void anInjectedOwnDeviceIsAlwaysReportedWithItsFingerprint() {
        Seen seen = new Seen();
        LocalDevice me = LocalDevice.generate();
        me.registered("alice", 2);
        SessionCipher cipher = new SessionCipher(new InMemoryProtocolStore(me), KeySource.RANDOM, seen);
        // Device 1 existed before this device registered: pinned on first use without alarm.
        Party older = new Party(new DeviceAddress("alice", 1), LocalDevice.generate());
        cipher.startSession(older.bundle());
        assertEquals(List.of(), seen.events);
        // Device 3 was added after this one: reported, even though no other own device was ever pinned before it.
        Party ghost = new Party(new DeviceAddress("alice", 3), LocalDevice.generate());
        cipher.startSession(ghost.bundle());
        assertEquals(List.of("own-device-added alice/3 " + Fingerprint.of(ghost.device.identity().publicKey())), seen.events);
    }

    @Test
    void aBundleWithoutThePostQuantumKeyIsRefused() {
        DeviceBundle stripped = bob.device.x3dhOnlyBundle("bob", 1, null);
        MissingPostQuantumKeyException refused = assertThrows(MissingPostQuantumKeyException.class,
                () -> alice.cipher.startSession(stripped));
        assertEquals("device 1 of bob has no post-quantum key: it must register again with a current client", refused.getMessage());
        assertFalse(alice.cipher.hasSession(bob.address));
    }

    @Test
    void anX3dhSetupMessageIsRefusedBeforeAnyKeyIsUsed() {
        byte[] first = alice.send(bob, "hello");
        assertEquals(WireMessage.PQ_PREKEY, first[0]);
        // The relay cuts the KEM part out and labels the message X3DH.
        int kemStart = 1 + 168;
        int kemEnd = kemStart + 1 + 4 + 1088;
        byte[] downgraded = net.secureconnect.sdk.crypto.Bytes.concat(new byte[] {WireMessage.PREKEY},
                Arrays.copyOfRange(first, 1, kemStart), Arrays.copyOfRange(first, kemEnd, first.length));
        int oneTimeLeft = bob.device.oneTimePrekeys().size();
        assertThrows(DowngradeException.class, () -> bob.receive(alice, downgraded));
        assertEquals(oneTimeLeft, bob.device.oneTimePrekeys().size());
        assertFalse(bob.cipher.store().session(alice.address).isPresent());
        assertEquals("hello", bob.receive(alice, first));
    }

    @Test
    void anOldX3dhSessionNeverBecomesCurrentAgain() {
        assertEquals("s1", bob.receive(alice, alice.send(bob, "s1")));
        assertEquals("r1", alice.receive(bob, bob.send(alice, "r1")));
        byte[] lateInOldSession = alice.send(bob, "late, old session");
        // A second session replaces the first on both sides.
        alice.cipher.startSession(bob.bundle());
        assertEquals("s2", bob.receive(alice, alice.send(bob, "s2")));

        // Control: an earlier PQXDH session may still decrypt a late message (and become current) ...
        SessionRecord record = bob.cipher.store().sessionRecord(alice.address).orElseThrow();
        // ... but the earlier session here was made by X3DH (as an old state file would hold it).
        ObjectNode json = record.toJson();
        ((ObjectNode) json.withArray("previous").get(0)).put("pq", false);
        SessionRecord legacy = SessionRecord.fromJson(json);
        bob.cipher.store().storeSessionRecord(alice.address, legacy);
        byte[] currentBase = legacy.current().baseKey();

        assertThrows(InvalidMessageException.class, () -> bob.receive(alice, lateInOldSession));
        assertArrayEquals(currentBase, bob.cipher.store().session(alice.address).orElseThrow().baseKey(),
                "the X3DH session did not become current");
        assertEquals("s3", bob.receive(alice, alice.send(bob, "s3")));
    }

    @Test
    void anEarlierPqxdhSessionStillDecryptsALateMessage() {
        assertEquals("s1", bob.receive(alice, alice.send(bob, "s1")));
        assertEquals("r1", alice.receive(bob, bob.send(alice, "r1")));
        byte[] late = alice.send(bob, "late, old session");
        alice.cipher.startSession(bob.bundle());
        assertEquals("s2", bob.receive(alice, alice.send(bob, "s2")));
        assertEquals("late, old session", bob.receive(alice, late));
    }

    @Test
    void pinsSurviveReopeningTheProfile(@TempDir Path root) throws Exception {
        char[] pass = "correct horse battery".toCharArray();
        LocalDevice me = LocalDevice.generate();
        try (ProfileStore store = ProfileStore.create(root, "p", pass, me, KdfParameters.MINIMUM_FOR_TESTS)) {
            SessionCipher cipher = new SessionCipher(store);
            cipher.startSession(bob.bundle());
            cipher.trust().verify("bob");
        }
        try (ProfileStore store = ProfileStore.open(root, "p", pass)) {
            SessionCipher cipher = new SessionCipher(store);
            assertTrue(cipher.trust().isVerified("bob"));
            Party mallory = new Party(bob.address, LocalDevice.generate());
            assertThrows(UntrustedIdentityException.class, () -> cipher.startSession(mallory.bundle()));
        }
    }

    private static Party party(String account, int deviceId, TrustListener listener) {
        LocalDevice device = LocalDevice.generate();
        return new Party(new DeviceAddress(account, deviceId), device, listener);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
