package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.protocol.ClientFrame;
import net.secureconnect.relay.protocol.FrameCodec;
import net.secureconnect.relay.protocol.FrameError;
import net.secureconnect.relay.protocol.RefusalCode;
import net.secureconnect.relay.repository.QueueStore;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Carries one {@code send}: limits, device fan-out check, billing decision, durable store, usage event, then
 * {@code accepted} and delivery. Runs on a worker thread. See docs/relay.md for the billing design.
 */
@ApplicationScoped
public class EnvelopeRouter {

    public static final String SOURCE = "relay-service";
    private static final Logger LOG = Logger.getLogger(EnvelopeRouter.class);

    private final DeviceDirectory directory;
    private final BalanceBook balances;
    private final Authorizations authorizations;
    private final QueueStore store;
    private final UsageOutbox outbox;
    private final Delivery delivery;
    private final RateLimiter limiter;
    private final Workers workers;
    private final RelayMetrics metrics;
    private final CallSignalling calls;
    private final Duration ttl;
    private final Duration authorizeTimeout;
    /** How long after the authorize timeout an abandoned hold is released by the sweeper. */
    private static final Duration HOLD_MARGIN = Duration.ofSeconds(10);

    public EnvelopeRouter(DeviceDirectory directory, BalanceBook balances, Authorizations authorizations,
                          QueueStore store, UsageOutbox outbox, Delivery delivery, RateLimiter limiter, Workers workers,
                          RelayMetrics metrics, CallSignalling calls, RelayConfig config) {
        this.calls = calls;
        this.directory = directory;
        this.balances = balances;
        this.authorizations = authorizations;
        this.store = store;
        this.outbox = outbox;
        this.delivery = delivery;
        this.limiter = limiter;
        this.workers = workers;
        this.metrics = metrics;
        this.ttl = config.queue().ttl();
        this.authorizeTimeout = config.billing().authorizeTimeout();
    }

    /** The usage event id of an envelope: deterministic, so a resend or re-publication is charged once. */
    public static String usageEventId(String sender, String envelopeId) {
        return EventIds.forCause(EventType.USAGE_EVENT, SOURCE, sender, envelopeId);
    }

    public void send(DeviceSession session, ClientFrame.Send send) {
        String sender = session.account();
        String id = send.id();
        if (!limiter.tryAcquire(sender, send.ciphertextBytes())) {
            refuse(session, id, RefusalCode.RATE_LIMITED, "too many envelopes or bytes per second; retry later");
            return;
        }
        List<Integer> devices = directory.devicesOf(send.to());
        if (devices.isEmpty()) {
            refuse(session, id, RefusalCode.UNKNOWN_RECIPIENT, "the recipient has no devices");
            return;
        }
        Set<Integer> expected = new TreeSet<>(devices);
        if (send.to().equals(sender)) {
            expected.remove(session.device()); // a copy to one's own other devices, not to the sending one
        }
        if (!fanOutMatches(session, id, send.to(), expected, send.messages())) {
            return;
        }
        if (send.self() != null) {
            // Copies for the sender's other devices ride on the paid message: only to the sender's own current
            // devices (never another account's), one per device, and never without a message to someone else.
            if (send.to().equals(sender)) {
                invalid(session, id, "self copies go with a message to another account; a note to self lists the "
                        + "sender's other devices in messages");
                return;
            }
            Set<Integer> own = new TreeSet<>(directory.devicesOf(sender));
            own.remove(session.device());
            if (!fanOutMatches(session, id, sender, own, send.self())) {
                return;
            }
        }
        String key = QueueStore.envelopeKey(sender, id);
        if (send.kind().call()) {
            calls.signal(session, send, key); // only inside a live call of the sender; the caller pays the call
            return;
        }
        String usageId = usageEventId(sender, id);
        switch (balances.decide(sender, UsageKind.MESSAGE, usageId)) {
            case REFUSE -> {
                if (store.accepted(key)) {
                    acceptedAgain(session, id);
                } else {
                    refuse(session, id, RefusalCode.INSUFFICIENT_CREDITS, "the account is suspended for messages");
                }
            }
            case CAPTURE -> capture(session, send, key, usageId);
            case AUTHORIZE -> authorize(session, send, key, usageId);
        }
    }

    /** True if {@code given} names exactly the devices {@code expected} of {@code account}; else refuses the send. */
    private boolean fanOutMatches(DeviceSession session, String id, String account, Set<Integer> expected,
                                  List<ClientFrame.DeviceMessage> given) {
        Set<Integer> named = new TreeSet<>();
        given.forEach(m -> named.add(m.deviceId()));
        if (named.equals(expected)) {
            return true;
        }
        Set<Integer> missing = new TreeSet<>(expected);
        missing.removeAll(named);
        Set<Integer> extra = new TreeSet<>(named);
        extra.removeAll(expected);
        metrics.refused(RefusalCode.DEVICE_MISMATCH);
        session.answer(id, FrameCodec.deviceMismatch(id, account, expected, missing, extra));
        return false;
    }

    private void invalid(DeviceSession session, String id, String detail) {
        metrics.frameRejected(FrameError.INVALID_FRAME);
        session.answer(id, FrameCodec.error(FrameError.INVALID_FRAME, detail, id));
    }

    private void capture(DeviceSession session, ClientFrame.Send send, String key, String usageId) {
        String sender = session.account();
        Instant now = Instant.now();
        UsageEvent usage = new UsageEvent(usageId, now, sender, UsageKind.MESSAGE, 1, UsageMode.CAPTURE, send.id(), SOURCE);
        List<QueueStore.QueuedMessage> rows = rows(session, send, key, now);
        QueueStore.StoreOutcome outcome;
        try {
            long started = System.nanoTime();
            outcome = store.store(key, sender, send.id(), now, ttl, rows,
                    Optional.of(EventJson.encode(usage)), outbox.shardOf(sender));
            metrics.stored(System.nanoTime() - started);
        } catch (RuntimeException e) {
            balances.release(sender, usageId);
            LOG.warnf("envelope not stored (%s)", e.getClass().getSimpleName());
            refuse(session, send.id(), RefusalCode.UNAVAILABLE, "the envelope could not be stored; retry with the same id");
            return;
        }
        if (outcome == QueueStore.StoreOutcome.DUPLICATE) {
            balances.release(sender, usageId);
            answerResend(session, send.id(), key);
            return;
        }
        outbox.publishAndClear(usage, key);
        accepted(session, send, rows, "CAPTURE");
    }

    /**
     * Near zero: the envelope id is held first (with the RELEASE of its authorization in the outbox, due after the
     * timeout), then the AUTHORIZE goes out; the envelope is stored and delivered only once the wallet debited
     * it. If this instance dies while waiting, the sweeper releases the hold and the wallet gives the credit back.
     */
    private void authorize(DeviceSession session, ClientFrame.Send send, String key, String usageId) {
        String sender = session.account();
        UsageEvent usage = new UsageEvent(usageId, Instant.now(), sender, UsageKind.MESSAGE, 1, UsageMode.AUTHORIZE,
                send.id(), SOURCE);
        UsageEvent release = UsageOutbox.releaseOf(sender, UsageKind.MESSAGE, usageId);
        Instant due = Instant.now().plus(authorizeTimeout).plus(HOLD_MARGIN);
        try {
            if (store.hold(key, sender, send.id(), due, ttl, EventJson.encode(release), outbox.shardOf(sender))
                    == QueueStore.StoreOutcome.DUPLICATE) {
                balances.release(sender, usageId);
                answerResend(session, send.id(), key);
                return;
            }
        } catch (RuntimeException e) {
            balances.release(sender, usageId);
            LOG.warnf("envelope not held (%s)", e.getClass().getSimpleName());
            refuse(session, send.id(), RefusalCode.UNAVAILABLE, "the envelope could not be stored; retry with the same id");
            return;
        }
        CompletableFuture<Boolean> answer = authorizations.expect(usageId);
        long started = System.nanoTime();
        outbox.publish(usage).whenComplete((ok, error) -> {
            if (error != null) {
                answer.completeExceptionally(error);
            }
        });
        answer.orTimeout(authorizeTimeout.toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((paid, error) -> {
            metrics.authorized(Duration.ofNanos(System.nanoTime() - started));
            if (error != null) {
                // No answer, or the AUTHORIZE perhaps not published: whatever the wallet did, give it back (once).
                // The usage event id is spent, so a resend needs a new envelope id.
                balances.release(sender, usageId);
                releaseHold(key, release);
                refuseUseNewId(session, send.id(), "no answer from the wallet in time; resend with a new id");
                return;
            }
            if (!paid) {
                try {
                    store.dropHeld(key);
                } catch (RuntimeException e) {
                    // Left held: the sweeper releases it when due, a release of nothing the wallet sets aside.
                    LOG.debugf("hold of a refused envelope not dropped (%s)", e.getClass().getSimpleName());
                }
                refuse(session, send.id(), RefusalCode.INSUFFICIENT_CREDITS, "the wallet refused the charge");
                return;
            }
            Instant now = Instant.now();
            List<QueueStore.QueuedMessage> rows = rows(session, send, key, now);
            boolean stored;
            try {
                stored = store.completeHeld(key, now, ttl, rows);
            } catch (RuntimeException e) {
                LOG.warnf("authorized envelope not stored (%s)", e.getClass().getSimpleName());
                afterUnknownCompletion(session, send, key, usageId, release, rows);
                return;
            }
            if (!stored) {
                // Not held any more: the sweeper is releasing it (we were too late); its charge is given back.
                refuseUseNewId(session, send.id(), "the envelope could not be stored; its charge is given back; "
                        + "resend with a new id");
                return;
            }
            accepted(session, send, rows, "AUTHORIZE");
        }, workers.executor());
    }

    /** How an attempt to end a hold went. */
    private enum HoldEnd {
        /** This call ended the hold: nothing can be stored under it any more; the RELEASE is out (or in the outbox). */
        RELEASED,
        /** It was not held any more: completed (stored) or released by someone else. */
        NOT_HELD,
        /** The store did not answer: still held, or ended by a write whose outcome is unknown. */
        UNKNOWN
    }

    /** Publishes the RELEASE of a held envelope's authorization (once: only the one who ends the hold does). */
    private HoldEnd releaseHold(String key, UsageEvent release) {
        try {
            if (store.releaseHeld(key)) {
                outbox.publishAndClear(release, key);
                return HoldEnd.RELEASED;
            }
            return HoldEnd.NOT_HELD;
        } catch (RuntimeException e) {
            // Still held: the sweeper releases it when it is due.
            LOG.warnf("hold not released now (%s); the sweeper releases it", e.getClass().getSimpleName());
            return HoldEnd.UNKNOWN;
        }
    }

    /**
     * The wallet debited a held envelope, and the write that stores it failed with an unknown outcome: it may be
     * stored (and then delivered). The client is told only what is known: a charge is given back (new id) only
     * when this call released the hold, so nothing can have been stored; when even that is unknown, the answer is
     * UNAVAILABLE with the SAME id, and the resend is answered by the envelope's state (accepted once stored,
     * "new id" once the sweeper released the hold). Telling it "new id" here would charge the message twice.
     */
    private void afterUnknownCompletion(DeviceSession session, ClientFrame.Send send, String key, String usageId,
                                        UsageEvent release, List<QueueStore.QueuedMessage> rows) {
        String sender = session.account();
        switch (releaseHold(key, release)) {
            case RELEASED -> {
                balances.release(sender, usageId);
                refuseUseNewId(session, send.id(), "the envelope could not be stored; its charge is given back; "
                        + "resend with a new id");
            }
            case NOT_HELD -> {
                QueueStore.EnvelopeState state;
                try {
                    state = store.state(key);
                } catch (RuntimeException e) {
                    refuse(session, send.id(), RefusalCode.UNAVAILABLE,
                            "the envelope may be stored; retry with the same id");
                    return;
                }
                if (state == QueueStore.EnvelopeState.ACCEPTED) {
                    accepted(session, send, rows, "AUTHORIZE"); // the failed write was stored after all
                } else {
                    balances.release(sender, usageId);
                    refuseUseNewId(session, send.id(), "the envelope was not stored and its charge is given back; "
                            + "resend with a new id");
                }
            }
            case UNKNOWN -> refuse(session, send.id(), RefusalCode.UNAVAILABLE,
                    "the envelope may be stored; retry with the same id");
        }
    }

    /** A resend of an envelope id this relay has seen: the answer depends on where that envelope stands. */
    private void answerResend(DeviceSession session, String id, String key) {
        switch (store.state(key)) {
            case ACCEPTED -> acceptedAgain(session, id);
            case RELEASING -> refuseUseNewId(session, id, "this envelope id was not delivered and its charge was given "
                    + "back; resend with a new id");
            case HELD, NONE -> refuse(session, id, RefusalCode.UNAVAILABLE,
                    "this envelope is still waiting for the wallet; retry with the same id");
        }
    }

    private void refuseUseNewId(DeviceSession session, String id, String detail) {
        metrics.refused(RefusalCode.UNAVAILABLE);
        session.answer(id, FrameCodec.refusedUseNewId(id, RefusalCode.UNAVAILABLE, detail));
    }

    private List<QueueStore.QueuedMessage> rows(DeviceSession session, ClientFrame.Send send, String key, Instant now) {
        String ackId = QueueStore.ackId(now, key);
        List<QueueStore.QueuedMessage> rows = new ArrayList<>(send.messages().size());
        for (ClientFrame.DeviceMessage message : send.messages()) {
            rows.add(row(session, send, send.to(), message, ackId, now));
        }
        if (send.self() != null) {
            // Same envelope, same transaction, same single charge: the sender's own copies.
            for (ClientFrame.DeviceMessage message : send.self()) {
                rows.add(row(session, send, session.account(), message, ackId, now));
            }
        }
        return rows;
    }

    private static QueueStore.QueuedMessage row(DeviceSession session, ClientFrame.Send send, String account,
                                                ClientFrame.DeviceMessage message, String ackId, Instant now) {
        return new QueueStore.QueuedMessage(QueueStore.destination(account, message.deviceId()), ackId, send.id(),
                session.account(), session.device(), message.type(), message.body(), now, send.kind(), send.callId());
    }

    /**
     * Durable and paid for: tell the recipient's instances, then the sender. {@code accepted} waits for Kafka's
     * acknowledgement of the notice, so the recipient's instance learns of the envelope even if this one dies
     * right after; the wait holds no worker thread.
     */
    private void accepted(DeviceSession session, ClientFrame.Send send, List<QueueStore.QueuedMessage> rows,
                          String mode) {
        List<QueueStore.QueuedMessage> toRecipient = rows.stream().filter(r -> r.account().equals(send.to())).toList();
        List<QueueStore.QueuedMessage> toSelf = rows.stream().filter(r -> !r.account().equals(send.to())).toList();
        CompletableFuture<Void> announced = toSelf.isEmpty() ? delivery.announce(send.to(), toRecipient)
                : CompletableFuture.allOf(delivery.announce(send.to(), toRecipient),
                        delivery.announce(session.account(), toSelf));
        announced.orTimeout(5, TimeUnit.SECONDS).whenComplete((ok, error) -> {
            if (error != null) {
                // Still durable: delivered when the device next connects or gets another notice.
                LOG.debugf("delivery notice not acknowledged (%s)", error.getClass().getSimpleName());
            }
            workers.execute(() -> {
                metrics.accepted(mode);
                session.answer(send.id(), FrameCodec.accepted(send.id(), false));
            });
        });
    }

    private void acceptedAgain(DeviceSession session, String id) {
        metrics.accepted("DUPLICATE");
        session.answer(id, FrameCodec.accepted(id, true));
    }

    private void refuse(DeviceSession session, String id, RefusalCode code, String detail) {
        metrics.refused(code);
        session.answer(id, FrameCodec.refused(id, code, detail));
    }
}
