package net.secureconnect.sdk.messaging;

import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.trust.TrustListener;
import net.secureconnect.sdk.trust.UntrustedIdentityException;
import net.secureconnect.sdk.protocol.MessageContent;
import net.secureconnect.sdk.relay.RelayException;
import net.secureconnect.sdk.relay.RelayFrames;
import net.secureconnect.sdk.store.KdfParameters;
import net.secureconnect.sdk.store.ProfileStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Messenger against an in-memory relay that behaves like docs/protocol.md (devices, credits, at-least-once). */
class MessengerTest {

    private static final char[] PASSPHRASE = "correct horse".toCharArray();

    @TempDir
    Path root;

    private final FakeRelay relay = new FakeRelay();
    private final List<ProfileStore> stores = new ArrayList<>();

    @AfterEach
    void closeStores() {
        stores.forEach(ProfileStore::close);
    }

    @Test
    void messagesReachEveryDeviceOnceEvenWhenDeliveredTwice() {
        Client alice = client("alice", 1);
        Client bob1 = client("bob", 1);
        Client bob2 = client("bob", 2);
        relay.credits.put("alice", 10L);
        relay.credits.put("bob", 10L);

        String id = alice.messenger.send("bob", MessageContent.text("hello bob"));
        assertEquals(9L, relay.credits.get("alice"));

        relay.deliverAll(bob1, true); // every envelope twice, as after a reconnect before the ack
        relay.deliverAll(bob2, false);
        for (Client bob : List.of(bob1, bob2)) {
            List<StoredMessage> history = bob.messenger.history("alice");
            assertEquals(1, history.size(), "one entry per message");
            assertEquals("hello bob", history.get(0).text());
            assertEquals(id, history.get(0).id());
        }
        assertEquals(List.of("hello bob"), alice.messenger.history("bob").stream().map(StoredMessage::text).toList());
        assertTrue(relay.queue(bob1.address).isEmpty(), "acked");

        bob1.messenger.send("alice", MessageContent.text("hi alice"));
        relay.deliverAll(alice, false);
        relay.deliverAll(bob2, false); // bob's other device gets a copy of what bob1 sent
        assertEquals("hi alice", alice.messenger.history("bob").get(1).text());
        assertTrue(bob2.messenger.history("bob").stream().anyMatch(m -> m.outgoing() && m.text().equals("hi alice")));
    }

    @Test
    void oneSendWithOwnOtherDevicesIsOneEnvelopeAndOnePriceAndANoteToSelfToo() {
        Client alice1 = client("alice", 1);
        Client alice2 = client("alice", 2);
        Client alice3 = client("alice", 3);
        Client bob1 = client("bob", 1);
        Client bob2 = client("bob", 2);
        relay.credits.put("alice", 10L);

        String id = alice1.messenger.send("bob", MessageContent.text("hello"));
        assertEquals(9L, relay.credits.get("alice"), "recipient's devices and own copies: one price");
        assertEquals(1, relay.mismatches, "the own device list is learnt from the relay, for free");
        for (Client c : List.of(bob1, bob2)) {
            relay.deliverAll(c, false);
            assertEquals(List.of("hello"), c.messenger.history("alice").stream().map(StoredMessage::text).toList());
        }
        for (Client own : List.of(alice2, alice3)) {
            relay.deliverAll(own, false);
            StoredMessage copy = own.messenger.history("alice").get(0);
            assertTrue(copy.outgoing());
            assertEquals("hello", copy.text());
            assertEquals(id, copy.id(), "the copy is the same envelope");
        }
        alice1.messenger.send("bob", MessageContent.text("again"));
        assertEquals(8L, relay.credits.get("alice"));

        alice1.messenger.send("alice", MessageContent.text("note to self"));
        assertEquals(7L, relay.credits.get("alice"), "a note to self is one price too");
        relay.deliverAll(alice3, false);
        assertTrue(alice3.messenger.history("alice").stream().anyMatch(m -> m.text().equals("note to self")));
    }

    @Test
    void aNewDeviceOfTheRecipientIsPickedUpOnDeviceMismatchWithTheSameId() {
        Client alice = client("alice", 1);
        Client bob1 = client("bob", 1);
        relay.credits.put("alice", 10L);
        alice.messenger.send("bob", MessageContent.text("one"));

        Client bob2 = client("bob", 2); // registered after alice learnt bob's devices
        alice.messenger.send("bob", MessageContent.text("two"));
        assertEquals(1, relay.mismatches);
        assertEquals(8L, relay.credits.get("alice"), "refused sends cost nothing");
        relay.deliverAll(bob1, false);
        relay.deliverAll(bob2, false);
        assertEquals(List.of("one", "two"), bob1.messenger.history("alice").stream().map(StoredMessage::text).toList());
        assertEquals(List.of("two"), bob2.messenger.history("alice").stream().map(StoredMessage::text).toList());
    }

    @Test
    void withoutCreditsTheSendIsRefusedAndNothingIsDelivered() {
        Client alice = client("alice", 1);
        Client bob = client("bob", 1);
        relay.credits.put("alice", 1L);
        alice.messenger.send("bob", MessageContent.text("paid"));
        assertThrows(RelayException.InsufficientCreditsException.class,
                () -> alice.messenger.send("bob", MessageContent.text("unpaid")));
        relay.deliverAll(bob, false);
        assertEquals(List.of("paid"), bob.messenger.history("alice").stream().map(StoredMessage::text).toList());
        assertEquals(List.of("paid"), alice.messenger.history("bob").stream().map(StoredMessage::text).toList());

        relay.credits.put("alice", 1L);
        alice.messenger.send("bob", MessageContent.text("paid again"));
        relay.deliverAll(bob, false);
        assertEquals(2, bob.messenger.history("alice").size());
    }

    @Test
    void receivingChecksThePrekeyStockAtMostOncePerInterval() {
        Client alice = client("alice", 1);
        Client bob = client("bob", 1);
        relay.credits.put("alice", 10L);
        for (int i = 0; i < 3; i++) {
            alice.messenger.send("bob", MessageContent.text("m" + i));
        }
        relay.deliverAll(bob, false);
        assertEquals(3, bob.messenger.history("alice").size());
        assertEquals(1, relay.replenishChecks.get("bob"), "one check for three deliveries within the interval");
    }

    @Test
    void historyAndSeenIdsSurviveReopeningTheProfile() throws Exception {
        Client alice = client("alice", 1);
        Client bob = client("bob", 1);
        relay.credits.put("alice", 10L);
        alice.messenger.send("bob", MessageContent.text("kept"));
        RelayFrames.Delivery first = relay.queue(bob.address).peekFirst().delivery();
        relay.deliverAll(bob, false);

        bob.store.close();
        stores.remove(bob.store);
        ProfileStore reopened = ProfileStore.open(root, "bob-1", PASSPHRASE);
        stores.add(reopened);
        Messenger again = new Messenger(reopened, relay.directory("bob"), TrustListener.NONE);
        again.transport(relay.transport(bob.address));
        again.delivered(first); // a re-delivery after the restart
        assertEquals(List.of("kept"), again.history("alice").stream().map(StoredMessage::text).toList());
    }

    // ---- a compromised server (issue 15) ----

    /** What a TrustListener was told, and how many sends the relay had accepted at that moment. */
    private final class Seen implements TrustListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void deviceAdded(DeviceAddress device, byte[] identityKey, boolean ownAccount, boolean accepted) {
            events.add((ownAccount ? "own-device-added " : "device-added ") + device + " accepted=" + accepted
                    + " sendsAcceptedSoFar=" + relay.accepted.size());
        }

        @Override
        public void identityRefused(UntrustedIdentityException refusal) {
            events.add("refused " + refusal.device() + " " + refusal.reason());
        }

        @Override
        public void undecryptable(DeviceAddress from, String reason) {
            events.add("undecryptable " + from + ": " + reason);
        }

        @Override
        public void sessionReset(DeviceAddress peer, boolean requestedHere) {
            events.add("session-reset " + peer + (requestedHere ? " requested here" : " requested by peer"));
        }
    }

    // ---- session reset (§5.4) ----

    @Test
    void aBrokenPeersMessageIsShownAsUndecryptableAndASessionResetIsRequestedOncePerAnswer() {
        Seen aliceSees = new Seen();
        Seen bobSees = new Seen();
        Client alice = client("alice", 1, aliceSees);
        Client bob = client("bob", 1, bobSees);
        relay.credits.put("alice", 10L);
        relay.credits.put("bob", 10L);
        alice.messenger.send("bob", MessageContent.text("one"));
        relay.deliverAll(bob, false);
        bob.messenger.send("alice", MessageContent.text("two"));
        relay.deliverAll(alice, false);
        assertEquals(List.of("one", "two"), alice.messenger.history("bob").stream().map(StoredMessage::text).toList());

        // A broken (or hostile) bob: its next messages do not authenticate with any session alice has.
        bob.messenger.send("alice", MessageContent.text("garbled"));
        RelayFrames.Delivery real = relay.queue(alice.address).peekFirst().delivery();
        relay.queue(alice.address).clear();
        for (int i = 0; i < 3; i++) {
            byte[] body = real.body().clone();
            body[body.length - 1 - i] ^= 1;
            alice.messenger.delivered(new RelayFrames.Delivery("ack-b" + i, "broken-" + i, "bob", 1, "1", body,
                    "2026-11-26T12:00:00Z", "message"));
        }
        assertEquals(4, aliceSees.events.size(), aliceSees.events.toString());
        assertTrue(aliceSees.events.get(0).startsWith("undecryptable bob/1: "), aliceSees.events.get(0));
        assertEquals("session-reset bob/1 requested here", aliceSees.events.get(1));
        assertTrue(aliceSees.events.get(2).startsWith("undecryptable bob/1: ") && aliceSees.events.get(3).startsWith(
                "undecryptable bob/1: "), "each one shown, none silently dropped");
        assertEquals(8L, relay.credits.get("alice"), "one reset request until bob answers: a flood costs alice one credit");
        assertEquals(List.of("one", "two"), alice.messenger.history("bob").stream().map(StoredMessage::text).toList());

        // bob gets the request as a new PQXDH session: not shown as a message, reported, old sessions dropped.
        assertEquals(3, relay.queue(bob.address).peekFirst().delivery().body()[0], "a PQXDH setup message");
        relay.deliverAll(bob, false);
        assertEquals(List.of("session-reset alice/1 requested by peer"), bobSees.events);
        assertEquals(List.of("one", "two", "garbled"), bob.messenger.history("alice").stream().map(StoredMessage::text).toList());
        assertTrue(bob.store.sessionRecord(alice.address).orElseThrow().previous().isEmpty(), "the broken sessions are not reused");
        bob.messenger.send("alice", MessageContent.text("three"));
        relay.deliverAll(alice, false);
        assertEquals(List.of("one", "two", "three"), alice.messenger.history("bob").stream().map(StoredMessage::text).toList(),
                "bob's next message uses the new session");

        // bob answered: a new failure may request a new reset
        byte[] broken = real.body().clone();
        broken[broken.length - 1] ^= 1;
        alice.messenger.delivered(new RelayFrames.Delivery("ack-b9", "broken-9", "bob", 1, "1", broken,
                "2026-11-26T12:00:00Z", "message"));
        assertEquals(7L, relay.credits.get("alice"));
    }

    @Test
    void aPeerThatLostItsSessionAsksForAResetAndTheNextMessageArrives() {
        Seen bobSees = new Seen();
        Client alice = client("alice", 1);
        Client bob = client("bob", 1, bobSees);
        relay.credits.put("alice", 10L);
        relay.credits.put("bob", 10L);
        alice.messenger.send("bob", MessageContent.text("one"));
        relay.deliverAll(bob, false);
        bob.messenger.send("alice", MessageContent.text("two"));
        relay.deliverAll(alice, false);

        bob.store.removeSessionRecord(alice.address); // bob's state lost its session (a restore, a bug)
        alice.messenger.send("bob", MessageContent.text("lost"));
        relay.deliverAll(bob, false);
        assertEquals("undecryptable alice/1: no session with alice/1", bobSees.events.get(0));
        assertEquals("session-reset alice/1 requested here", bobSees.events.get(1));
        relay.deliverAll(alice, false);
        alice.messenger.send("bob", MessageContent.text("again"));
        relay.deliverAll(bob, false);
        assertEquals(List.of("one", "again"), bob.messenger.history("alice").stream().filter(m -> !m.outgoing())
                .map(StoredMessage::text).toList());
    }

    @Test
    void aDeviceInjectedIntoAContactsAccountIsReportedBeforeTheFirstMessageToItAndRefusedOnceVerified() {
        Seen seen = new Seen();
        Client alice = client("alice", 1, seen);
        client("bob", 1);
        relay.credits.put("alice", 10L);
        alice.messenger.send("bob", MessageContent.text("one"));
        assertEquals(List.of(), seen.events, "first contact: trust on first use, nothing to report");

        client("bob", 2); // the server adds a device to bob's account
        alice.messenger.send("bob", MessageContent.text("two"));
        assertEquals(List.of("device-added bob/2 accepted=true sendsAcceptedSoFar=1"), seen.events,
                "reported before the send that first encrypts to it was accepted");

        alice.messenger.trust().verify("bob");
        client("bob", 3);
        UntrustedIdentityException refused = assertThrows(UntrustedIdentityException.class,
                () -> alice.messenger.send("bob", MessageContent.text("three")));
        assertEquals(UntrustedIdentityException.Reason.NEW_DEVICE_OF_VERIFIED_CONTACT, refused.reason());
        assertEquals(8L, relay.credits.get("alice"), "nothing sent, nothing charged");
        assertTrue(relay.queue(new DeviceAddress("bob", 3)).isEmpty());
    }

    @Test
    void aDeviceInjectedIntoOnesOwnAccountIsReportedWithItsFingerprint() {
        Seen seen = new Seen();
        Client alice = client("alice", 1, seen);
        client("bob", 1);
        relay.credits.put("alice", 10L);
        alice.messenger.send("bob", MessageContent.text("one"));
        LocalDevice ghost = LocalDevice.generate();
        relay.devices.put(new DeviceAddress("alice", 2), ghost); // the server registers a device on alice's account
        assertEquals(List.of(2), alice.messenger.checkOwnDevices());
        assertEquals(List.of("own-device-added alice/2 accepted=true sendsAcceptedSoFar=1"), seen.events);
        assertEquals(List.of(), alice.messenger.checkOwnDevices(), "reported once");
    }

    @Test
    void aSubstitutedKeyOnAForcedRefetchIsRefusedAndNothingIsCharged() {
        Seen seen = new Seen();
        Client alice = client("alice", 1, seen);
        Client bob = client("bob", 1);
        relay.credits.put("alice", 10L);
        alice.messenger.send("bob", MessageContent.text("one"));
        String before = alice.messenger.safetyNumber("bob").digits();

        LocalDevice mallory = LocalDevice.generate();
        relay.devices.put(bob.address, mallory);            // the directory now serves mallory's key as bob/1
        relay.claimMissing.add(bob.address);                 // and the relay pretends bob/1 needs a new session
        assertThrows(UntrustedIdentityException.class, () -> alice.messenger.send("bob", MessageContent.text("two")));
        assertEquals(List.of("refused bob/1 IDENTITY_CHANGED"), seen.events);
        assertEquals(9L, relay.credits.get("alice"));
        assertEquals(before, alice.messenger.safetyNumber("bob").digits(), "the safety number is over the pinned key, not the server's");
    }

    @Test
    void aForgedSetupMessageIsReportedAsUndecryptableNotDropped() {
        Seen bobSees = new Seen();
        Client alice = client("alice", 1);
        Client bob = client("bob", 1, bobSees);
        relay.credits.put("alice", 10L);
        alice.messenger.send("bob", MessageContent.text("real"));
        relay.deliverAll(bob, false);
        // The relay forges a setup message "from alice/1" with its own identity key.
        LocalDevice forger = LocalDevice.generate();
        net.secureconnect.sdk.protocol.SessionCipher forging = new net.secureconnect.sdk.protocol.SessionCipher(
                new net.secureconnect.sdk.protocol.InMemoryProtocolStore(forger));
        forging.startSession(relay.devices.get(bob.address).bundle("bob", 1, null));
        byte[] forged = forging.encrypt(bob.address, MessageContent.text("I am alice").encode());
        bob.messenger.delivered(new RelayFrames.Delivery("ack-x", "forged-1", "alice", 1, "3",
                forged, "2026-11-26T12:00:00Z", "message"));
        assertEquals(List.of("real"), bob.messenger.history("alice").stream().map(StoredMessage::text).toList());
        assertEquals(2, bobSees.events.size(), bobSees.events.toString());
        assertEquals("refused alice/1 IDENTITY_CHANGED", bobSees.events.get(0));
        assertTrue(bobSees.events.get(1).startsWith("undecryptable alice/1: the identity key of alice device 1 changed"),
                bobSees.events.get(1));
    }

    // ---- fixtures ----

    private record Client(DeviceAddress address, ProfileStore store, Messenger messenger) {
    }

    private Client client(String account, int deviceId) {
        return client(account, deviceId, TrustListener.NONE);
    }

    private Client client(String account, int deviceId, TrustListener listener) {
        LocalDevice device = LocalDevice.generate();
        device.generateOneTimePrekeys(5);
        device.registered(account, deviceId);
        ProfileStore store = ProfileStore.create(root, account + "-" + deviceId, PASSPHRASE, device, KdfParameters.MINIMUM_FOR_TESTS);
        stores.add(store);
        DeviceAddress address = new DeviceAddress(account, deviceId);
        relay.devices.put(address, device);
        Messenger messenger = new Messenger(store, relay.directory(account), listener);
        messenger.transport(relay.transport(address));
        return new Client(address, store, messenger);
    }

    private record Queued(String ackId, RelayFrames.Delivery delivery) {
    }

    /** Device lists, credits, queues, duplicate ids: the relay's rules without a network. */
    private static final class FakeRelay {
        final Map<DeviceAddress, LocalDevice> devices = new HashMap<>();
        final Map<String, Long> credits = new HashMap<>();
        final Map<String, Integer> replenishChecks = new HashMap<>();
        final Map<DeviceAddress, Deque<Queued>> queues = new HashMap<>();
        final Set<String> accepted = new HashSet<>();
        int mismatches;
        int ackSeq;
        /** A lying relay: claims these devices are missing from the next send (forcing a bundle fetch). */
        Set<DeviceAddress> claimMissing = new HashSet<>();

        Deque<Queued> queue(DeviceAddress address) {
            return queues.computeIfAbsent(address, a -> new ArrayDeque<>());
        }

        TreeSet<Integer> deviceIds(String account) {
            TreeSet<Integer> ids = new TreeSet<>();
            devices.keySet().stream().filter(a -> a.accountId().equals(account)).forEach(a -> ids.add(a.deviceId()));
            return ids;
        }

        boolean send(DeviceAddress from, String id, String to, List<RelayFrames.OutgoingMessage> messages,
                     List<RelayFrames.OutgoingMessage> self) {
            if (accepted.contains(from.accountId() + " " + id)) {
                return true;
            }
            checkFanOut(from, to, messages);
            if (self != null) {
                checkFanOut(from, from.accountId(), self);
            }
            long balance = credits.getOrDefault(from.accountId(), 0L);
            if (balance < 1) {
                throw new RelayException.InsufficientCreditsException("no credits");
            }
            credits.put(from.accountId(), balance - 1);
            accepted.add(from.accountId() + " " + id);
            queue(from, id, to, messages);
            if (self != null) {
                queue(from, id, from.accountId(), self);
            }
            return false;
        }

        private void checkFanOut(DeviceAddress from, String account, List<RelayFrames.OutgoingMessage> messages) {
            List<Integer> lie = claimMissing.stream().filter(a -> a.accountId().equals(account)).map(DeviceAddress::deviceId).toList();
            if (!lie.isEmpty()) {
                claimMissing.clear();
                mismatches++;
                throw new RelayException.DeviceMismatchException("mismatch", account, List.copyOf(deviceIds(account)), lie, List.of());
            }
            TreeSet<Integer> expected = deviceIds(account);
            if (account.equals(from.accountId())) {
                expected.remove(from.deviceId());
            }
            TreeSet<Integer> named = new TreeSet<>();
            messages.forEach(m -> named.add(m.deviceId()));
            if (!named.equals(expected)) {
                mismatches++;
                List<Integer> missing = expected.stream().filter(d -> !named.contains(d)).toList();
                List<Integer> extra = named.stream().filter(d -> !expected.contains(d)).toList();
                throw new RelayException.DeviceMismatchException("mismatch", account, List.copyOf(expected), missing,
                        extra);
            }
        }

        private void queue(DeviceAddress from, String id, String account, List<RelayFrames.OutgoingMessage> messages) {
            for (RelayFrames.OutgoingMessage m : messages) {
                String ackId = "ack-" + (++ackSeq);
                queue(new DeviceAddress(account, m.deviceId())).add(new Queued(ackId, new RelayFrames.Delivery(ackId, id,
                        from.accountId(), from.deviceId(), String.valueOf(m.type()), m.body(), "2026-11-26T12:00:00Z", "message")));
            }
        }

        void deliverAll(Client client, boolean twice) {
            for (Queued q : new ArrayList<>(queue(client.address))) {
                client.messenger.delivered(q.delivery());
                if (twice) {
                    client.messenger.delivered(q.delivery());
                }
            }
        }

        EnvelopeTransport transport(DeviceAddress self) {
            return new EnvelopeTransport() {
                @Override
                public boolean send(String id, String to, List<RelayFrames.OutgoingMessage> messages,
                                    List<RelayFrames.OutgoingMessage> copies) {
                    return FakeRelay.this.send(self, id, to, messages, copies);
                }

                @Override
                public void ack(String ackId) {
                    queue(self).removeIf(q -> q.ackId().equals(ackId));
                }
            };
        }

        KeyDirectory directory(String ownAccount) {
            return new KeyDirectory() {
                @Override
                public List<DeviceBundle> bundles(String accountId) {
                    return deviceIds(accountId).stream().map(d -> bundle(accountId, d)).toList();
                }

                @Override
                public DeviceBundle bundle(String accountId, int deviceId) {
                    LocalDevice device = devices.get(new DeviceAddress(accountId, deviceId));
                    return device.bundle(accountId, deviceId, null);
                }

                @Override
                public List<Integer> ownDevices() {
                    return List.copyOf(deviceIds(ownAccount));
                }

                @Override
                public boolean replenish(LocalDevice device) {
                    replenishChecks.merge(ownAccount, 1, Integer::sum);
                    return false;
                }
            };
        }
    }
}
