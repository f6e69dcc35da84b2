package net.secureconnect.sdk;

import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.protocol.InvalidMessageException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed prekey and last-resort KEM prekey rotation: weekly, old ones kept 30 days after their replacement. */
class KeyRotationTest {

    private static final long DAY = 24L * 3600 * 1000;

    @Test
    void keysRotateWeeklyAndReplacedOnesLiveThirtyDaysAfterTheirReplacement() {
        LocalDevice device = LocalDevice.generate();
        long t0 = device.currentSignedPrekey().createdAtMillis();
        assertFalse(device.rotateIfDue(t0 + DAY), "not yet due");
        assertEquals(1, device.currentSignedPrekey().keyId());

        assertTrue(device.rotateIfDue(t0 + 7 * DAY));
        assertEquals(2, device.currentSignedPrekey().keyId());
        assertEquals(2, device.currentKemLastResortPrekey().orElseThrow().keyId());
        assertTrue(device.signedPrekey(1).isPresent() && device.kemLastResortPrekey(1).isPresent(), "grace period");

        // Key 1 is older than 30 days now, but was replaced only 29 days ago: kept.
        assertTrue(device.rotateIfDue(t0 + 36 * DAY));
        assertTrue(device.signedPrekey(1).isPresent());
        assertTrue(device.kemLastResortPrekey(1).isPresent());
        // 31 days after its replacement it is gone; key 2 (replaced at day 36) stays.
        assertTrue(device.rotateIfDue(t0 + 38 * DAY));
        assertFalse(device.signedPrekey(1).isPresent());
        assertFalse(device.kemLastResortPrekey(1).isPresent());
        assertTrue(device.signedPrekey(2).isPresent());
    }

    @Test
    void aSetupWithAReplacedKeyWorksDuringTheGracePeriodAndIsRefusedAfter() {
        Party alice = new Party("alice", 1);
        Party bob = new Party("bob", 1);
        Party carol = new Party("carol", 1);
        long t0 = bob.device.currentSignedPrekey().createdAtMillis();
        // Alice and carol fetched bob's bundle (signed prekey 1, KEM 1) before bob rotated.
        alice.cipher.startSession(bob.device.bundle("bob", 1, null));
        carol.cipher.startSession(bob.device.bundle("bob", 1, null));
        bob.device.rotateIfDue(t0 + 7 * DAY);
        assertEquals("in flight", bob.receive(alice, alice.cipher.encrypt(bob.address, "in flight".getBytes())));
        bob.device.rotateIfDue(t0 + 14 * DAY);
        bob.device.rotateIfDue(t0 + 38 * DAY); // key 1 replaced at day 7: 31 days ago
        assertFalse(bob.device.signedPrekey(1).isPresent());
        byte[] late = carol.cipher.encrypt(bob.address, "too late".getBytes());
        assertThrows(InvalidMessageException.class, () -> bob.receive(carol, late));
    }

    @Test
    void oneTimePrekeysReplacedOnTheServerAreDeletedAfterTheGracePeriod() {
        Party alice = new Party("alice", 1);
        Party carol = new Party("carol", 1);
        LocalDevice bobDevice = LocalDevice.generate();
        Party bob = new Party(new net.secureconnect.sdk.keys.DeviceAddress("bob", 1), bobDevice); // one-time keys 1..5
        long t0 = System.currentTimeMillis();
        // alice and carol claimed one-time keys 1 and 2 from the server; their setups are still in flight
        alice.cipher.startSession(bobDevice.bundle("bob", 1, 1));
        carol.cipher.startSession(bobDevice.bundle("bob", 1, 2));
        // bob uploads a new set (ids 6..8), which replaces the server's unclaimed 3..5
        var uploaded = bobDevice.generateOneTimePrekeys(3).stream().map(java.util.Map.Entry::getKey).toList();
        bobDevice.oneTimePrekeysReplaced(uploaded, t0);
        assertEquals(java.util.Optional.of(t0), bobDevice.oneTimePrekeyReplacedAt(3));
        assertTrue(bobDevice.oneTimePrekeyReplacedAt(6).isEmpty());
        // the state file keeps when they were replaced
        assertEquals(java.util.Optional.of(t0), LocalDevice.fromJson(bobDevice.toJson()).oneTimePrekeyReplacedAt(1));

        bobDevice.rotateIfDue(t0 + 29 * DAY);
        assertEquals("within the grace period", bob.receive(alice, alice.cipher.encrypt(bob.address,
                "within the grace period".getBytes())));
        assertTrue(bobDevice.oneTimePrekey(2).isPresent() && bobDevice.oneTimePrekey(5).isPresent());

        assertTrue(bobDevice.rotateIfDue(t0 + 31 * DAY));
        assertEquals(java.util.Set.of(6, 7, 8), bobDevice.oneTimePrekeys().keySet(), "stale ones deleted, the current set kept");
        byte[] late = carol.cipher.encrypt(bob.address, "too late".getBytes());
        var e = assertThrows(InvalidMessageException.class, () -> bob.receive(carol, late));
        assertEquals("unknown or used one-time prekey 2", e.getMessage());
    }

    @Test
    void replacedKemOneTimePrekeysExpireToo() {
        LocalDevice device = LocalDevice.generate();
        device.generateKemOneTimePrekeys(2);
        long t0 = System.currentTimeMillis();
        var uploaded = device.generateKemOneTimePrekeys(2).stream().map(net.secureconnect.sdk.keys.KemPrekey::keyId).toList();
        device.kemOneTimePrekeysReplaced(uploaded, t0);
        device.rotateIfDue(t0 + 29 * DAY);
        assertEquals(4, device.kemOneTimePrekeys().size());
        LocalDevice reloaded = LocalDevice.fromJson(device.toJson());
        reloaded.rotateIfDue(t0 + 31 * DAY);
        assertEquals(java.util.Set.copyOf(uploaded), reloaded.kemOneTimePrekeys().keySet());
    }
}
