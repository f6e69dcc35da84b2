package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.protocol.ClientFrame;
import net.secureconnect.relay.protocol.FrameCodec;
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
    private final EndedCalls endedCalls;
    private final CallMeter callMeter;
    private final Duration ttl;
    private final Duration authorizeTimeout;
    private final long messagePrice = PriceList.defaults().cost(UsageKind.MESSAGE, 1);
    /** How long after the authorize timeout an abandoned hold is released by the sweeper. */
    private static final Duration HOLD_MARGIN = Duration.ofSeconds(10);

    public EnvelopeRouter(DeviceDirectory directory, BalanceBook balances, Authorizations authorizations,
                          QueueStore store, UsageOutbox outbox, Delivery delivery, RateLimiter limiter, Workers workers,
                          RelayMetrics metrics, EndedCalls endedCalls, CallMeter callMeter, RelayConfig config) {
        this.endedCalls = endedCalls;
        this.callMeter = callMeter;
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
        Set<Integer> given = new TreeSet<>();
        send.messages().forEach(m -> given.add(m.deviceId()));
        if (!given.equals(expected)) {
            Set<Integer> missing = new TreeSet<>(expected);
            missing.removeAll(given);
            Set<Integer> extra = new TreeSet<>(given);
            extra.removeAll(expected);
            metrics.refused(RefusalCode.DEVICE_MISMATCH);
            session.answer(id, FrameCodec.deviceMismatch(id, expected, missing, extra));
            return;
        }
        String key = QueueStore.envelopeKey(sender, id);
        if (send.kind().call()) {
            signal(session, send, key);
            return;
        }
        String usageId = usageEventId(sender, id);
        switch (balances.decide(sender, UsageKind.MESSAGE, messagePrice, usageId)) {
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

    /** Call signalling: relayed like a message, not charged per envelope; answer and hangup drive the call meter. */
    private void signal(DeviceSession session, ClientFrame.Send send, String key) {
        if (endedCalls.ended(send.callId())) {
            refuse(session, send.id(), RefusalCode.CALL_ENDED, "the call has ended");
            return;
        }
        Instant now = Instant.now();
        List<QueueStore.QueuedMessage> rows = rows(session, send, key, now);
        try {
            if (store.store(key, session.account(), send.id(), now, ttl, rows, Optional.empty(), 0)
                    == QueueStore.StoreOutcome.DUPLICATE) {
                acceptedAgain(session, send.id());
                return;
            }
        } catch (RuntimeException e) {
            LOG.warnf("signalling envelope not stored (%s)", e.getClass().getSimpleName());
            refuse(session, send.id(), RefusalCode.UNAVAILABLE, "the envelope could not be stored; retry with the same id");
            return;
        }
        accepted(session, send, rows, send.kind().name());
        switch (send.kind()) {
            // The callee answers the caller: the caller pays.
            case CALL_ANSWER -> callMeter.answered(send.callId(), send.to(), session.account());
            case CALL_HANGUP -> callMeter.hungUp(send.callId(), session.account(), send.to());
            default -> { }
        }
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
            rows.add(new QueueStore.QueuedMessage(QueueStore.destination(send.to(), message.deviceId()), ackId, send.id(),
                    session.account(), session.device(), message.type(), message.body(), now, send.kind(), send.callId()));
        }
        return rows;
    }

    /**
     * Durable and paid for: tell the recipient's instances, then the sender. {@code accepted} waits for Kafka's
     * acknowledgement of the notice, so the recipient's instance learns of the envelope even if this one dies
     * right after; the wait holds no worker thread.
     */
    private void accepted(DeviceSession session, ClientFrame.Send send, List<QueueStore.QueuedMessage> rows,
                          String mode) {
        delivery.announce(send.to(), rows).orTimeout(5, TimeUnit.SECONDS).whenComplete((ok, error) -> {
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
