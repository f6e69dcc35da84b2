package net.secureconnect.sdk.messaging;

import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.protocol.DuplicateMessageException;
import net.secureconnect.sdk.protocol.KeySource;
import net.secureconnect.sdk.protocol.MessageContent;
import net.secureconnect.sdk.protocol.SessionCipher;
import net.secureconnect.sdk.relay.RelayClient;
import net.secureconnect.sdk.relay.RelayException;
import net.secureconnect.sdk.relay.RelayFrames;
import net.secureconnect.sdk.safety.SafetyNumber;
import net.secureconnect.sdk.store.ProfileStore;
import net.secureconnect.sdk.trust.TrustListener;
import net.secureconnect.sdk.trust.TrustStore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Messaging for one registered device: encrypts a message for every device of the recipient (one relay
 * {@code send} per account, one message per device) and for the sender's other devices, handles the relay's
 * refusals, and turns {@code deliver} frames into decrypted, persisted, de-duplicated history entries before
 * acking them. All cryptographic state is touched under one lock (the {@link SessionCipher} and the
 * {@link ProfileStore} are not thread-safe); relay round trips happen outside it.
 */
public final class Messenger implements RelayClient.Handler {

    private static final Logger LOG = Logger.getLogger(Messenger.class.getName());
    /** Resends after RATE_LIMITED / UNAVAILABLE / a lost connection, same id. */
    private static final int TRANSIENT_RETRIES = 4;
    /** No transient retry starts after this (each attempt is answered within the relay's bound): a send reports. */
    private static final long TRANSIENT_DEADLINE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    /** How often receiving may check the server's stock of this device's one-time prekeys (one GET). */
    static final long REPLENISH_EVERY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    /** Told about every newly received message (after it is stored and acked). */
    @FunctionalInterface
    public interface Listener {
        void received(StoredMessage message);
    }

    private final ProfileStore store;
    private final KeyDirectory directory;
    private final SessionCipher cipher;
    private final MessageLog log;
    private final DeviceAddress self;
    private final TrustListener trustListener;
    private final Object lock = new Object();
    private volatile EnvelopeTransport transport;
    private volatile Listener listener = m -> { };
    /** When the prekey stock was last checked ({@link System#nanoTime()}); null: not yet. */
    private volatile Long lastReplenish;
    /** The profile was a restored older copy (§8): its new prekeys must reach the server before anything else. */
    private volatile boolean publishAfterRollback;

    public Messenger(ProfileStore store, KeyDirectory directory, TrustListener trustListener) {
        this.store = store;
        this.directory = directory;
        this.trustListener = trustListener;
        this.cipher = new SessionCipher(store, KeySource.RANDOM, trustListener);
        this.log = new MessageLog(store);
        this.publishAfterRollback = store.rollbackDetected().isPresent();
        this.self = new DeviceAddress(store.localDevice().accountId()
                .orElseThrow(() -> new IllegalStateException("this device is not registered")),
                store.localDevice().deviceId().orElseThrow());
    }

    /** Sets where envelopes go (the relay client, whose {@link RelayClient.Handler} this messenger is). */
    public void transport(EnvelopeTransport transport) {
        this.transport = transport;
    }

    public void listener(Listener listener) {
        this.listener = listener;
    }

    public DeviceAddress self() {
        return self;
    }

    /**
     * Encrypts and sends a message to every device of {@code recipient} together with a copy for this account's
     * other devices, in one envelope charged once (a note to self is one envelope to this account's other
     * devices). Returns the envelope id. Throws {@link RelayException.InsufficientCreditsException},
     * {@link RelayException.UnknownRecipientException}, or after retries {@link RelayException.RateLimitedException} /
     * {@link RelayException.UnavailableException}; nothing is recorded in the history then.
     */
    public String send(String recipient, MessageContent content) {
        if (publishAfterRollback) {
            replenishIfDue();
        }
        byte[] plaintext = content.encode();
        String id = deliver(recipient, plaintext);
        synchronized (lock) {
            log.add(new StoredMessage(id, true, recipient, 0, content.sentAtMillis(), null, content.text(),
                    content.attachments()));
        }
        return id;
    }

    private String deliver(String to, byte[] plaintext) {
        return deliver(to, plaintext, true);
    }

    /** {@code withCopies}: also encrypt for this account's other devices (not for a session-reset request). */
    private String deliver(String to, byte[] plaintext, boolean withCopies) {
        String ownAccount = self.accountId();
        boolean noteToSelf = to.equals(ownAccount);
        if (noteToSelf) {
            synchronized (lock) {
                if (log.devices(ownAccount).isEmpty()) {
                    log.devices(ownAccount, directory.ownDevices().stream().filter(d -> d != self.deviceId()).toList());
                }
                if (log.devices(ownAccount).isEmpty()) {
                    throw new IllegalArgumentException("a note to self needs another device of this account");
                }
            }
        }
        String id = UUID.randomUUID().toString();
        // One refresh per account whose list the relay found stale (the recipient's, then perhaps our own).
        Set<String> mismatchHandled = new HashSet<>();
        int transientLeft = TRANSIENT_RETRIES;
        long backoff = 500;
        long firstAttempt = System.nanoTime();
        while (true) {
            List<RelayFrames.OutgoingMessage> messages = encrypt(to, plaintext, noteToSelf);
            // Always sent for a message to someone else (empty too): the relay then tells us of a new own device.
            List<RelayFrames.OutgoingMessage> copies = noteToSelf || !withCopies ? null : encrypt(ownAccount, plaintext, true);
            try {
                requireTransport().send(id, to, messages, copies);
                return id;
            } catch (RelayException.DeviceMismatchException e) {
                String account = e.account().orElse(to);
                if (!account.equals(to) && !account.equals(ownAccount) || !mismatchHandled.add(account)) {
                    throw e;
                }
                refreshDevices(account, e, account.equals(ownAccount));
            } catch (RelayException.RateLimitedException | RelayException.UnavailableException e) {
                if (transientLeft-- == 0 || System.nanoTime() + backoff * 1_000_000L - firstAttempt > TRANSIENT_DEADLINE_NANOS) {
                    throw e;
                }
                if (e instanceof RelayException.UnavailableException u && u.retryWithNewId()) {
                    id = UUID.randomUUID().toString();
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 8_000);
            }
        }
    }

    private List<RelayFrames.OutgoingMessage> encrypt(String to, byte[] plaintext, boolean ownAccount) {
        synchronized (lock) {
            List<Integer> devices = log.devices(to);
            if (devices.isEmpty() && !ownAccount) {
                devices = firstContact(to);
            }
            List<RelayFrames.OutgoingMessage> messages = new ArrayList<>();
            for (int deviceId : devices) {
                DeviceAddress target = new DeviceAddress(to, deviceId);
                if (!cipher.hasSession(target)) {
                    cipher.startSession(bundleOf(to, deviceId));
                }
                byte[] body = cipher.encrypt(target, plaintext);
                messages.add(new RelayFrames.OutgoingMessage(deviceId, body[0] & 0xFF, body));
            }
            return messages;
        }
    }

    /** Sessions with every device of an account not written to before (pinned on first use). */
    private List<Integer> firstContact(String to) {
        List<Integer> ids = new ArrayList<>();
        for (DeviceBundle bundle : directory.bundles(to)) {
            if (!bundle.accountId().equals(to)) {
                throw new net.secureconnect.sdk.protocol.InvalidMessageException(
                        "the key directory answered for " + bundle.accountId() + " when asked for " + to);
            }
            cipher.startSession(bundle);
            ids.add(bundle.address().deviceId());
        }
        log.devices(to, ids);
        return ids;
    }

    /** One device's bundle, refused unless it is the device asked for (a server must not swap addresses). */
    private DeviceBundle bundleOf(String accountId, int deviceId) {
        DeviceBundle bundle = directory.bundle(accountId, deviceId);
        if (!bundle.accountId().equals(accountId) || bundle.deviceId() != deviceId) {
            throw new net.secureconnect.sdk.protocol.InvalidMessageException("the key directory answered for "
                    + bundle.address() + " when asked for " + accountId + "/" + deviceId);
        }
        return bundle;
    }

    /**
     * Makes sure the account's devices are known and pinned: for an account never written to, fetches its
     * bundles once and pins them (what {@code sc trust} does for a new contact); returns the device ids.
     */
    public List<Integer> knownDevices(String accountId) {
        synchronized (lock) {
            List<Integer> devices = log.devices(accountId);
            return devices.isEmpty() && !accountId.equals(self.accountId()) ? firstContact(accountId) : devices;
        }
    }

    /**
     * Compares this account's device list at identity-service with what this device knows: every device it
     * did not know gets a session (so it is pinned and reported to the {@link TrustListener}, as an own new
     * device). Returns the devices newly seen.
     */
    public List<Integer> checkOwnDevices() {
        List<Integer> current = directory.ownDevices();
        synchronized (lock) {
            List<Integer> added = new ArrayList<>();
            for (int id : current) {
                DeviceAddress device = new DeviceAddress(self.accountId(), id);
                if (id != self.deviceId() && cipher.trust().store().pin(device).filter(p -> p.identityKey() != null).isEmpty()) {
                    cipher.startSession(bundleOf(self.accountId(), id));
                    added.add(id);
                }
            }
            log.devices(self.accountId(), current.stream().filter(id -> id != self.deviceId()).toList());
            return added;
        }
    }

    /** The pinning rules and decisions (accept a change, verify) for this device. */
    public TrustStore trust() {
        return cipher.trust();
    }

    /**
     * Accepts the pending identity changes of an account ({@code sc trust}); sessions with the changed devices
     * are dropped, so the next send starts new ones. Returns the devices whose key changed.
     */
    public List<DeviceAddress> acceptChanges(String accountId) {
        synchronized (lock) {
            List<DeviceAddress> changed = cipher.trust().accept(accountId);
            List<Integer> known = new ArrayList<>(log.devices(accountId));
            for (DeviceAddress device : changed) {
                if (!known.contains(device.deviceId())) {
                    known.add(device.deviceId());
                }
            }
            if (!changed.isEmpty()) {
                log.devices(accountId, known);
            }
            return changed;
        }
    }

    /**
     * The safety number with an account, from pinned keys only and exactly the devices messages are encrypted to
     * (docs/protocol-crypto.md §6): fetches nothing. {@link IllegalStateException} if nothing is known of the
     * account yet.
     */
    public SafetyNumber safetyNumber(String accountId) {
        synchronized (lock) {
            List<Integer> theirDevices = log.devices(accountId);
            if (theirDevices.isEmpty()) {
                // Only received from so far: the devices pinned from their setup messages.
                theirDevices = cipher.trust().pins(accountId).stream().filter(p -> p.identityKey() != null)
                        .map(p -> p.device().deviceId()).toList();
            }
            if (theirDevices.isEmpty()) {
                throw new IllegalStateException("no keys of " + accountId + " are pinned yet");
            }
            TrustStore trust = cipher.trust();
            List<byte[]> mine = new ArrayList<>();
            mine.add(store.localDevice().identity().publicKey());
            mine.addAll(trust.pinnedKeys(self.accountId(), log.devices(self.accountId())));
            return SafetyNumber.of(self.accountId(), mine, accountId, trust.pinnedKeys(accountId, theirDevices));
        }
    }

    /** DEVICE_MISMATCH: take the relay's device list; missing devices get a session from a fresh bundle. */
    private void refreshDevices(String to, RelayException.DeviceMismatchException e, boolean ownAccount) {
        synchronized (lock) {
            Set<Integer> current = new LinkedHashSet<>(e.devices());
            if (ownAccount) {
                current.remove(self.deviceId());
            }
            for (int missing : e.missingDevices()) {
                if (!ownAccount || missing != self.deviceId()) {
                    cipher.startSession(bundleOf(to, missing));
                }
            }
            log.devices(to, List.copyOf(current));
        }
    }

    /** Decrypts, de-duplicates by (from, id), stores, then acks; undecryptable envelopes are acked and dropped. */
    @Override
    public void delivered(RelayFrames.Delivery delivery) {
        StoredMessage message = null;
        Received received = null;
        synchronized (lock) {
            if (!log.isSeen(delivery.from(), delivery.id())) {
                received = decrypt(delivery);
                message = received.message();
                if (message != null) {
                    log.add(message);
                }
                log.markSeen(delivery.from(), delivery.id());
            }
        }
        requireTransport().ack(delivery.ackId());
        if (message != null) {
            listener.received(message);
        }
        if (received != null && received.resetNeeded()) {
            requestSessionReset(new DeviceAddress(delivery.from(), delivery.fromDevice()));
        }
        replenishIfDue();
    }

    /** What decrypting a delivery gave: a message to store (or none), and whether to request a session reset. */
    private record Received(StoredMessage message, boolean resetNeeded) {
    }

    /**
     * §5.4: a message from {@code peer} could not be decrypted, so this device starts a new PQXDH session with it
     * (from a fresh bundle, pin-checked) and sends a session-reset request in that session; the peer takes the new
     * session as current and uses it for its next message. At most one request per answer: while this device's
     * current session with the peer is still unanswered (its next message repeats the setup anyway), nothing is
     * sent, so a hostile peer cannot make this device pay for a flood of resets. Returns whether one was sent.
     */
    boolean requestSessionReset(DeviceAddress peer) {
        synchronized (lock) {
            var current = store.session(peer);
            if (current.isPresent() && current.get().postQuantum() && current.get().awaitingReply()) {
                return false;
            }
            try {
                cipher.startSession(bundleOf(peer.accountId(), peer.deviceId()));
            } catch (RuntimeException e) {
                // an untrusted or missing key: nothing is sent to it (the refusal was reported to the listener)
                LOG.log(Level.INFO, "no session reset with " + peer + ": " + e.getMessage());
                return false;
            }
        }
        try {
            deliver(peer.accountId(), MessageContent.sessionReset(List.of(peer.deviceId())).encode(), false);
            trustListener.sessionReset(peer, true);
            return true;
        } catch (RuntimeException e) {
            // The new session stays current: the next message to the peer carries the setup.
            LOG.log(Level.WARNING, "session reset request to " + peer + " not sent: " + e.getMessage());
            return false;
        }
    }

    /**
     * Receiving is when one-time prekeys get used up (each new session with us claims one): top them up, at most
     * once a minute. A failure is logged and retried at the next delivery after the interval; sessions still start
     * without a one-time prekey (signed prekey only) while the stock is empty.
     */
    private void replenishIfDue() {
        long now = System.nanoTime();
        Long last = lastReplenish;
        if (!publishAfterRollback && last != null && now - last < REPLENISH_EVERY_NANOS) {
            return;
        }
        lastReplenish = now;
        try {
            synchronized (lock) {
                if (directory.replenish(store.localDevice())) {
                    store.localDeviceChanged();
                }
                publishAfterRollback = false;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "one-time prekeys not replenished: " + e.getMessage());
        }
    }

    private Received decrypt(RelayFrames.Delivery delivery) {
        if (!"message".equals(delivery.kind())) {
            return new Received(null, false); // call signalling: not handled by this client
        }
        DeviceAddress sender = new DeviceAddress(delivery.from(), delivery.fromDevice());
        byte[] plaintext;
        try {
            plaintext = cipher.decrypt(sender, delivery.body());
        } catch (DuplicateMessageException e) {
            return new Received(null, false);
        } catch (RuntimeException e) {
            // Refused identity, downgrade, tampered, unknown prekey, no session, malformed: acked (it will never
            // decrypt) and reported, never silently dropped. Where the sender's key is the pinned one but our
            // sessions no longer match its state, a session reset is requested (§5.4); never for a key that was
            // refused or a forged signature (nothing is ever encrypted to those).
            boolean reset = delivery.fromDevice() >= 1 && e instanceof net.secureconnect.sdk.protocol.InvalidMessageException;
            reportUndecryptable(delivery, e);
            return new Received(null, reset);
        }
        try {
            MessageContent content = MessageContent.decode(plaintext);
            if (content.isSessionReset()) {
                // Only the devices named: the sender set up a new session with each of them in this envelope, and the
                // one that decrypted this became current; the earlier, broken ones are dropped, not reused.
                if (content.sessionReset().contains(self.deviceId())) {
                    store.sessionRecord(sender).ifPresent(record -> {
                        record.dropPrevious();
                        store.storeSessionRecord(sender, record);
                    });
                    trustListener.sessionReset(sender, false);
                }
                return new Received(null, false);
            }
            boolean copyOfOwn = delivery.from().equals(self.accountId());
            return new Received(new StoredMessage(delivery.id(), copyOfOwn, delivery.from(), delivery.fromDevice(),
                    content.sentAtMillis(), delivery.sentAt(), content.text(), content.attachments()), false);
        } catch (RuntimeException e) {
            // The session is fine (the message authenticated); its content is not: reported, no reset.
            reportUndecryptable(delivery, e);
            return new Received(null, false);
        }
    }

    private void reportUndecryptable(RelayFrames.Delivery delivery, RuntimeException e) {
        LOG.log(Level.FINE, "undecryptable envelope " + delivery.id() + " from " + delivery.from()
                + "/" + delivery.fromDevice() + ": " + e.getMessage());
        if (delivery.fromDevice() >= 1) {
            trustListener.undecryptable(new DeviceAddress(delivery.from(), delivery.fromDevice()),
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** The stored history, oldest first; with {@code peer} only that conversation. */
    public List<StoredMessage> history(String peer) {
        synchronized (lock) {
            return log.history(peer);
        }
    }

    private EnvelopeTransport requireTransport() {
        EnvelopeTransport t = transport;
        if (t == null) {
            throw new IllegalStateException("no transport: call transport(...) first");
        }
        return t;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RelayException.UnavailableException("INTERRUPTED", "interrupted", e);
        }
    }
}
