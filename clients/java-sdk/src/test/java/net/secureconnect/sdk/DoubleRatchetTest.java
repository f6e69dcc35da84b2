package net.secureconnect.sdk;

import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.InvalidSignatureException;
import net.secureconnect.sdk.protocol.DoubleRatchet;
import net.secureconnect.sdk.protocol.DuplicateMessageException;
import net.secureconnect.sdk.protocol.InvalidMessageException;
import net.secureconnect.sdk.protocol.TooManySkippedMessagesException;
import net.secureconnect.sdk.protocol.WireMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoubleRatchetTest {

    private final Party alice = new Party("alice", 1);
    private final Party bob = new Party("bob", 1);

    @Test
    void conversationRoundTripsBothWays() {
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < round % 3 + 1; i++) {
                String text = "a" + round + "." + i;
                assertEquals(text, bob.receive(alice, alice.send(bob, text)));
            }
            for (int i = 0; i < round % 2 + 1; i++) {
                String text = "b" + round + "." + i;
                assertEquals(text, alice.receive(bob, bob.send(alice, text)));
            }
        }
    }

    @Test
    void firstMessagesCarryPqxdhUntilTheFirstReply() {
        byte[] first = alice.send(bob, "one");
        byte[] second = alice.send(bob, "two");
        assertEquals(WireMessage.PQ_PREKEY, first[0]);
        assertEquals(WireMessage.PQ_PREKEY, second[0]);
        assertEquals("two", bob.receive(alice, second));
        assertEquals("one", bob.receive(alice, first));
        assertEquals("hi", alice.receive(bob, bob.send(alice, "hi")));
        assertEquals(WireMessage.RATCHET, alice.send(bob, "three")[0]);
    }

    @Test
    void oneTimePrekeyIsConsumedOnlyAfterAuthentication() {
        int oneTime = bob.bundle().oneTimePrekeyId();
        byte[] first = alice.send(bob, "hello");
        byte[] tampered = first.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(InvalidMessageException.class, () -> bob.receive(alice, tampered));
        assertTrue(bob.device.oneTimePrekey(oneTime).isPresent());
        assertEquals("hello", bob.receive(alice, first));
        assertFalse(bob.device.oneTimePrekey(oneTime).isPresent());

        // A second initiator presenting the same one-time prekey id is refused.
        Party carol = new Party("carol", 1);
        DeviceBundle stale = bob.device.bundle("bob", 1, null);
        DeviceBundle withUsedKey;
        withUsedKey = new DeviceBundle(stale.accountId(), stale.deviceId(), stale.registrationId(), stale.identityKey(),
                stale.agreementKey(), stale.agreementKeySignature(), stale.signedPrekeyId(), stale.signedPrekey(),
                stale.signedPrekeySignature(), oneTime, net.secureconnect.sdk.crypto.Sodium.x25519Generate().publicKey(),
                stale.kemPrekeyId(), stale.kemPrekey(), stale.kemPrekeySignature(), true);
        carol.cipher.startSession(withUsedKey);
        byte[] fromCarol = carol.cipher.encrypt(bob.address, "x".getBytes());
        assertThrows(InvalidMessageException.class, () -> bob.cipher.decrypt(carol.address, fromCarol));
    }

    @Test
    void simultaneousSessionSetupConverges() {
        // Both start a session before hearing from the other: their setups cross.
        byte[] fromAlice = alice.send(bob, "alice first");
        byte[] fromBob = bob.send(alice, "bob first");
        assertEquals("bob first", alice.receive(bob, fromBob));
        assertEquals("alice first", bob.receive(alice, fromAlice));
        // Each now holds the other's session as current and its own as an earlier one; messages still flow
        // and both sides settle on one session.
        for (int i = 0; i < 3; i++) {
            assertEquals("a" + i, bob.receive(alice, alice.send(bob, "a" + i)));
            assertEquals("b" + i, alice.receive(bob, bob.send(alice, "b" + i)));
        }
        byte[] aliceBase = alice.cipher.store().session(bob.address).orElseThrow().baseKey();
        byte[] bobBase = bob.cipher.store().session(alice.address).orElseThrow().baseKey();
        assertTrue(java.util.Arrays.equals(aliceBase, bobBase), "both sides on the same session");
    }

    @Test
    void outOfOrderDeliveryAcrossRatchetSteps() {
        bob.receive(alice, alice.send(bob, "setup"));
        List<byte[]> fromAlice = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            texts.add("m" + i);
            fromAlice.add(alice.send(bob, "m" + i));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(42));
        // Half of them, shuffled; then Bob replies (ratchet step); then the rest, shuffled.
        for (int i : order.subList(0, 15)) {
            assertEquals(texts.get(i), bob.receive(alice, fromAlice.get(i)));
        }
        assertEquals("reply", alice.receive(bob, bob.send(alice, "reply")));
        byte[] afterStep = alice.send(bob, "after step");
        assertEquals("after step", bob.receive(alice, afterStep));
        for (int i : order.subList(15, 30)) {
            assertEquals(texts.get(i), bob.receive(alice, fromAlice.get(i)));
        }
    }

    @Test
    void droppedMessagesDoNotBlockLaterOnes() {
        bob.receive(alice, alice.send(bob, "setup"));
        for (int round = 0; round < 5; round++) {
            alice.send(bob, "lost " + round);
            alice.send(bob, "lost again " + round);
            assertEquals("kept " + round, bob.receive(alice, alice.send(bob, "kept " + round)));
            bob.send(alice, "lost reply " + round);
            assertEquals("reply " + round, alice.receive(bob, bob.send(alice, "reply " + round)));
        }
    }

    @Test
    void duplicateAndReplayedMessagesAreRejected() {
        byte[] setup = alice.send(bob, "setup");
        bob.receive(alice, setup);
        byte[] m1 = alice.send(bob, "m1");
        byte[] m2 = alice.send(bob, "m2");
        assertEquals("m2", bob.receive(alice, m2));
        assertEquals("m1", bob.receive(alice, m1)); // from the skipped keys
        assertThrows(DuplicateMessageException.class, () -> bob.receive(alice, m1));
        assertThrows(DuplicateMessageException.class, () -> bob.receive(alice, m2));
        assertThrows(DuplicateMessageException.class, () -> bob.receive(alice, setup));

        // After the ratchet has moved on, old messages (and the old session setup) are still refused.
        alice.receive(bob, bob.send(alice, "reply"));
        bob.receive(alice, alice.send(bob, "new chain"));
        assertThrows(DuplicateMessageException.class, () -> bob.receive(alice, m2));
        assertThrows(DuplicateMessageException.class, () -> bob.receive(alice, setup));
        assertEquals("still fine", bob.receive(alice, alice.send(bob, "still fine")));
    }

    @Test
    void replayedSessionSetupIsRejectedEvenWithoutOneTimePrekey() {
        // Bob has no one-time prekeys left: the setup relies on the signed prekey only.
        for (Integer id : new ArrayList<>(bob.device.oneTimePrekeys().keySet())) {
            bob.device.consumeOneTimePrekey(id);
        }
        byte[] setup = alice.send(bob, "setup");
        assertEquals("setup", bob.receive(alice, setup));
        // A second session from Alice replaces the first; the first setup must not come back to life.
        Party alice2 = new Party(alice.address, alice.device);
        bob.receive(alice2, alice2.send(bob, "new session"));
        assertThrows(DuplicateMessageException.class, () -> bob.receive(alice, setup));
    }

    @Test
    void aRolledBackSenderNeverRepeatsAKeyAndNonceAndItsReplayedChainIsRefused() {
        bob.receive(alice, alice.send(bob, "setup"));
        alice.receive(bob, bob.send(alice, "reply"));
        // A backup of alice's session is taken, she sends, then the backup is restored (an older profile copy).
        var backup = net.secureconnect.sdk.protocol.SessionState.fromJson(
                alice.cipher.store().session(bob.address).orElseThrow().toJson());
        byte[] first = alice.send(bob, "before the restore");
        alice.cipher.store().storeSession(bob.address, backup);
        byte[] second = alice.send(bob, "after the restore");
        // Same chain position (same message key) ...
        assertArrayEquals(java.util.Arrays.copyOfRange(first, 1, 41), java.util.Arrays.copyOfRange(second, 1, 41));
        // ... but a fresh random nonce: no (key, nonce) pair is ever used twice.
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(first, 41, 65), java.util.Arrays.copyOfRange(second, 41, 65)));
        assertEquals("before the restore", bob.receive(alice, first));
        // The receiver refuses the reused position (the user sees "could not decrypt", see MessengerTest).
        assertThrows(net.secureconnect.sdk.protocol.DuplicateMessageException.class, () -> bob.receive(alice, second));
    }

    @Test
    void skippedKeysExpireWhenTheirChainLeavesTheWindowOfEightRatchetKeys() {
        bob.receive(alice, alice.send(bob, "setup"));
        alice.receive(bob, bob.send(alice, "reply"));
        byte[] skippedMessage = alice.send(bob, "late");
        bob.receive(alice, alice.send(bob, "overtakes it"));
        assertEquals(1, bob.cipher.store().session(alice.address).orElseThrow().skippedKeyCount());
        for (int i = 0; i < 8; i++) { // eight newer ratchet keys of alice: the skipped chain is still remembered
            alice.receive(bob, bob.send(alice, "r" + i));
            bob.receive(alice, alice.send(bob, "m" + i));
        }
        assertEquals(1, bob.cipher.store().session(alice.address).orElseThrow().skippedKeyCount());
        alice.receive(bob, bob.send(alice, "r8"));
        bob.receive(alice, alice.send(bob, "m8")); // the ninth: the skipped chain's key leaves the window of 8
        assertEquals(0, bob.cipher.store().session(alice.address).orElseThrow().skippedKeyCount());
        assertThrows(InvalidMessageException.class, () -> bob.receive(alice, skippedMessage));
    }

    @Test
    void tamperedCiphertextOrHeaderIsRejectedAndStateUnchanged() {
        bob.receive(alice, alice.send(bob, "setup"));
        alice.receive(bob, bob.send(alice, "reply"));
        byte[] message = alice.send(bob, "secret");
        assertEquals(WireMessage.RATCHET, message[0]);
        // every byte of the header (1..64, the random nonce included), and the ciphertext's first and last byte
        List<Integer> positions = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            positions.add(i);
        }
        positions.add(65);
        positions.add(message.length - 1);
        for (int position : positions) {
            byte[] tampered = message.clone();
            tampered[position] ^= 0x01;
            assertThrows(InvalidMessageException.class, () -> bob.receive(alice, tampered), "byte " + position);
        }
        byte[] truncated = java.util.Arrays.copyOf(message, message.length - 1);
        assertThrows(InvalidMessageException.class, () -> bob.receive(alice, truncated));
        assertThrows(InvalidMessageException.class, () -> bob.receive(alice, new byte[] {9, 9}));
        assertEquals("secret", bob.receive(alice, message));
    }

    @Test
    void tamperedSetupMessageIsRejected() {
        byte[] setup = alice.send(bob, "setup");
        // identity key (1..32): the agreement-key signature no longer verifies
        byte[] badIdentity = setup.clone();
        badIdentity[5] ^= 1;
        assertThrows(InvalidSignatureException.class, () -> bob.receive(alice, badIdentity));
        // base key (129..160): a different X3DH secret, so nothing authenticates
        byte[] badBaseKey = setup.clone();
        badBaseKey[140] ^= 1;
        assertThrows(InvalidMessageException.class, () -> bob.receive(alice, badBaseKey));
        assertEquals("setup", bob.receive(alice, setup));
    }

    @Test
    void bundleWithBadSignatureIsRefused() {
        DeviceBundle good = bob.bundle();
        byte[] badSignature = good.signedPrekeySignature();
        badSignature[0] ^= 1;
        DeviceBundle bad = new DeviceBundle(good.accountId(), good.deviceId(), good.registrationId(), good.identityKey(),
                good.agreementKey(), good.agreementKeySignature(), good.signedPrekeyId(), good.signedPrekey(),
                badSignature, good.oneTimePrekeyId(), good.oneTimePrekey());
        assertThrows(InvalidSignatureException.class, () -> alice.cipher.startSession(bad));
        byte[] otherAgreement = net.secureconnect.sdk.crypto.Sodium.x25519Generate().publicKey();
        DeviceBundle swapped = new DeviceBundle(good.accountId(), good.deviceId(), good.registrationId(), good.identityKey(),
                otherAgreement, good.agreementKeySignature(), good.signedPrekeyId(), good.signedPrekey(),
                good.signedPrekeySignature(), good.oneTimePrekeyId(), good.oneTimePrekey());
        assertThrows(InvalidSignatureException.class, () -> alice.cipher.startSession(swapped));
    }

    @Test
    void skippedKeyBoundIsEnforced() {
        bob.receive(alice, alice.send(bob, "setup"));
        // messages 1..MAX_SKIP+2 in the current chain
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < DoubleRatchet.MAX_SKIP + 2; i++) {
            sent.add(alice.send(bob, "m" + i));
        }
        // Receiving the last one would skip MAX_SKIP + 1 keys: refused.
        assertThrows(TooManySkippedMessagesException.class, () -> bob.receive(alice, sent.get(sent.size() - 1)));
        // Skipping exactly MAX_SKIP is allowed.
        assertEquals("m" + DoubleRatchet.MAX_SKIP, bob.receive(alice, sent.get(DoubleRatchet.MAX_SKIP)));
        int stored = bob.cipher.store().session(alice.address).orElseThrow().skippedKeyCount();
        assertEquals(DoubleRatchet.MAX_SKIP, stored);
        assertEquals("m0", bob.receive(alice, sent.get(0)));

        // More skipped keys over a ratchet step: the total stays bounded, the oldest are dropped.
        alice.receive(bob, bob.send(alice, "reply"));
        alice.send(bob, "lost after step");
        bob.receive(alice, alice.send(bob, "after step"));
        int after = bob.cipher.store().session(alice.address).orElseThrow().skippedKeyCount();
        assertTrue(after <= DoubleRatchet.MAX_SKIP, "kept " + after);
        // m1 was the oldest skipped key and was dropped to make room: its message can no longer be read.
        assertThrows(DuplicateMessageException.class, () -> bob.receive(alice, sent.get(1)));
    }
}
