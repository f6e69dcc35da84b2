package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.protocol.ClientFrame;
import net.secureconnect.relay.protocol.EnvelopeKind;
import net.secureconnect.relay.protocol.FrameCodec;
import net.secureconnect.relay.protocol.RefusalCode;
import net.secureconnect.relay.repository.CallStore;
import net.secureconnect.relay.repository.QueueStore;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Call signalling ({@code call-offer}, {@code call-answer}, {@code call-ice}, {@code call-hangup}), after the
 * router's rate limit and device check. Signalling is not charged per envelope, so it is carried only inside a
 * live call the sender is a party of, with small bodies, a per-call count and short-lived rows; the call itself
 * is paid by its caller, minute 1 at the offer. docs/relay.md (Calls) has the design and its reasons.
 */
@ApplicationScoped
public class CallSignalling {

    private static final Logger LOG = Logger.getLogger(CallSignalling.class);
    /** After the ring deadline, how long the hold of minute 1 waits before any instance's sweeper releases it. */
    private static final Duration HOLD_MARGIN = Duration.ofSeconds(5);

    private final BalanceBook balances;
    private final Authorizations authorizations;
    private final QueueStore store;
    private final CallStore calls;
    private final UsageOutbox outbox;
    private final Delivery delivery;
    private final Workers workers;
    private final RelayMetrics metrics;
    private final CallMeter meter;
    private final RelayConfig.Calls config;
    private final Duration authorizeTimeout;

    public CallSignalling(BalanceBook balances, Authorizations authorizations, QueueStore store, CallStore calls,
                          UsageOutbox outbox, Delivery delivery, Workers workers, RelayMetrics metrics, CallMeter meter,
                          RelayConfig config) {
        this.balances = balances;
        this.authorizations = authorizations;
        this.store = store;
        this.calls = calls;
        this.outbox = outbox;
        this.delivery = delivery;
        this.workers = workers;
        this.metrics = metrics;
        this.meter = meter;
        this.config = config.calls();
        this.authorizeTimeout = config.billing().authorizeTimeout();
    }

    /** One signalling envelope; {@code key} is its envelope key. Answers the sender with accepted or refused. */
    public void signal(DeviceSession session, ClientFrame.Send send, String key) {
        for (ClientFrame.DeviceMessage message : send.messages()) {
            if (message.body().length > config.maxSignalBodyBytes()) {
                refuse(session, send.id(), RefusalCode.SIGNALLING_LIMIT,
                        "call signalling bodies are limited to " + config.maxSignalBodyBytes() + " bytes");
                return;
            }
        }
        try {
            if (store.accepted(key)) {
                acceptedAgain(session, send.id()); // a resend of signalling accepted before: counted once
                return;
            }
            switch (send.kind()) {
                case CALL_OFFER -> offer(session, send, key);
                case CALL_ANSWER -> answer(session, send, key);
                case CALL_ICE -> ice(session, send, key);
                case CALL_HANGUP -> hangup(session, send, key);
                default -> throw new IllegalArgumentException("not call signalling");
            }
        } catch (RuntimeException e) {
            LOG.warnf("call signalling not carried (%s)", e.getClass().getSimpleName());
            refuse(session, send.id(), RefusalCode.UNAVAILABLE, "the call could not be updated; retry with the same id");
        }
    }

    /**
     * The sender calls {@code to}: minute 1 is authorized for the sender first, held (its RELEASE in the outbox,
     * due after the ring deadline), then the call row is created and the offer delivered.
     */
    private void offer(DeviceSession session, ClientFrame.Send send, String key) {
        String caller = session.account();
        if (balances.suspended(caller, UsageKind.CALL_MINUTE)) {
            refuse(session, send.id(), RefusalCode.INSUFFICIENT_CREDITS, "the account is suspended for calls");
            return;
        }
        String callKey = CallStore.key(caller, send.callId());
        String holdKey = CallStore.firstMinuteHoldKey(callKey);
        String usageId = CallMeter.minuteUsageId(caller, send.callId(), 1);
        if (balances.decide(caller, UsageKind.CALL_MINUTE, usageId) == BillingDecision.REFUSE) {
            refuse(session, send.id(), RefusalCode.INSUFFICIENT_CREDITS, "the account is suspended for calls");
            return;
        }
        Instant ringDeadline = Instant.now().plus(config.ringTimeout());
        UsageEvent release = UsageOutbox.releaseOf(caller, UsageKind.CALL_MINUTE, usageId);
        try {
            if (store.hold(holdKey, caller, send.callId(), ringDeadline.plus(HOLD_MARGIN), CallStore.KEEP,
                    EventJson.encode(release), outbox.shardOf(caller)) == QueueStore.StoreOutcome.DUPLICATE) {
                balances.release(caller, usageId);
                refuse(session, send.id(), RefusalCode.CALL_EXISTS, "this call id was used already; offer with a new one");
                return;
            }
        } catch (RuntimeException e) {
            balances.release(caller, usageId);
            throw e;
        }
        UsageEvent usage = new UsageEvent(usageId, Instant.now(), caller, UsageKind.CALL_MINUTE, 1, UsageMode.AUTHORIZE,
                send.callId() + ":1", EnvelopeRouter.SOURCE);
        CompletableFuture<Boolean> answer = authorizations.expect(usageId);
        outbox.publish(usage).whenComplete((ok, error) -> {
            if (error != null) {
                answer.completeExceptionally(error);
            }
        });
        answer.orTimeout(authorizeTimeout.toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((paid, error) -> {
            try {
                offerAnswered(session, send, key, callKey, holdKey, release, ringDeadline, paid, error);
            } catch (RuntimeException e) {
                LOG.warnf("call offer not completed (%s)", e.getClass().getSimpleName());
                releaseHold(holdKey, release);
                refuseUseNewCall(session, send.id(), "the call could not be set up; its charge is given back");
            }
        }, workers.executor());
    }

    private void offerAnswered(DeviceSession session, ClientFrame.Send send, String key, String callKey, String holdKey,
                               UsageEvent release, Instant ringDeadline, Boolean paid, Throwable error) {
        String caller = session.account();
        if (error != null) {
            balances.release(caller, CallMeter.minuteUsageId(caller, send.callId(), 1));
            releaseHold(holdKey, release);
            refuseUseNewCall(session, send.id(), "no answer from the wallet in time; offer again with a new call id");
            return;
        }
        if (!paid) {
            store.dropHeld(holdKey); // nothing was debited: the call id may be offered again
            refuse(session, send.id(), RefusalCode.INSUFFICIENT_CREDITS, "the wallet refused the first call minute");
            return;
        }
        Instant now = Instant.now();
        if (!calls.create(caller, session.device(), send.to(), send.callId(), now, ringDeadline)) {
            releaseHold(holdKey, release);
            refuse(session, send.id(), RefusalCode.CALL_EXISTS, "this call id was used already; offer with a new one");
            return;
        }
        CallStore.Call call = calls.get(callKey).orElseThrow();
        List<QueueStore.QueuedMessage> rows = rows(session, send, key, now);
        if (store.store(key, caller, send.id(), now, config.ringTimeout(), rows, Optional.empty(), 0)
                == QueueStore.StoreOutcome.DUPLICATE) {
            acceptedAgain(session, send.id());
            return;
        }
        meter.ringing(call);
        accepted(session, send, rows);
    }

    /** Only the callee of the call (to, callId) answers it, once, while it rings. Minute 1 is then spent. */
    private void answer(DeviceSession session, ClientFrame.Send send, String key) {
        Optional<CallStore.Call> found = calls.get(CallStore.key(send.to(), send.callId()));
        if (found.isEmpty()) {
            refuse(session, send.id(), RefusalCode.CALL_NOT_FOUND, "no call with this id from the recipient");
            return;
        }
        CallStore.Call call = found.get();
        if (!call.callee().equals(session.account())) {
            refuse(session, send.id(), RefusalCode.NOT_A_CALL_PARTY, "only the callee answers a call");
            return;
        }
        Instant now = Instant.now();
        if (!call.live(now)) {
            refuse(session, send.id(), RefusalCode.CALL_ENDED, "the call has ended");
            return;
        }
        if (call.state() == CallStore.State.ANSWERED) {
            refuse(session, send.id(), RefusalCode.CALL_ANSWERED, "the call was answered already");
            return;
        }
        if (!calls.answer(call.key(), now, config.maxSignals())) {
            CallStore.Call latest = calls.get(call.key()).orElse(call);
            refuseNotLive(session, send.id(), latest, now);
            return;
        }
        String holdKey = CallStore.firstMinuteHoldKey(call.key());
        if (!store.completeHeld(holdKey, now, CallStore.KEEP, List.of())) {
            // A sweeper released minute 1 at the last moment (the ring timer is late): the call cannot go on.
            if (calls.end(call.key(), CallStore.State.ANSWERED)) {
                meter.hungUp(call);
            }
            refuse(session, send.id(), RefusalCode.CALL_ENDED, "the call rang out");
            return;
        }
        List<QueueStore.QueuedMessage> rows = rows(session, send, key, now);
        store.store(key, session.account(), send.id(), now, config.ringTimeout(), rows, Optional.empty(), 0);
        accepted(session, send, rows);
        meter.answered(call, now);
    }

    /** ICE candidates (or renegotiation) between the two parties of a live call, within its signalling count. */
    private void ice(DeviceSession session, ClientFrame.Send send, String key) {
        Optional<CallStore.Call> call = callOf(session, send);
        if (call.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        if (!call.get().live(now)) {
            refuse(session, send.id(), RefusalCode.CALL_ENDED, "the call has ended");
            return;
        }
        if (call.get().state() == CallStore.State.RINGING && call.get().caller().equals(session.account())
                && balances.suspended(session.account(), UsageKind.CALL_MINUTE)) {
            // While it rings, minute 1 is only held and comes back if nobody answers: a suspended caller's side is
            // no free channel. Once answered, minute 1 is captured: the caller signals in a minute it paid for, and
            // the call ends when the next one cannot be paid (a one-minute balance must get its minute).
            refuse(session, send.id(), RefusalCode.INSUFFICIENT_CREDITS, "the account is suspended for calls");
            return;
        }
        if (!calls.countSignal(call.get().key(), now, config.maxSignals())) {
            refuseNotLive(session, send.id(), calls.get(call.get().key()).orElse(call.get()), now);
            return;
        }
        List<QueueStore.QueuedMessage> rows = rows(session, send, key, now);
        store.store(key, session.account(), send.id(), now, config.ringTimeout(), rows, Optional.empty(), 0);
        accepted(session, send, rows);
    }

    /** Either party ends the call; an unanswered call's minute 1 is given back. */
    private void hangup(DeviceSession session, ClientFrame.Send send, String key) {
        Optional<CallStore.Call> found = callOf(session, send);
        if (found.isEmpty()) {
            return;
        }
        CallStore.Call call = found.get();
        boolean wasRinging = calls.end(call.key(), CallStore.State.RINGING);
        if (!wasRinging && !calls.end(call.key(), CallStore.State.ANSWERED)) {
            refuse(session, send.id(), RefusalCode.CALL_ENDED, "the call has ended");
            return;
        }
        if (wasRinging) {
            meter.releaseFirstMinute(call);
        }
        Instant now = Instant.now();
        List<QueueStore.QueuedMessage> rows = rows(session, send, key, now);
        store.store(key, session.account(), send.id(), now, config.ringTimeout(), rows, Optional.empty(), 0);
        accepted(session, send, rows);
        meter.hungUp(call);
    }

    /**
     * The call a frame of the sender to {@code to} belongs to: (sender, callId) when the sender is its caller (from
     * the device that offered it), else (to, callId) when the sender is its callee. Refuses (and returns empty)
     * otherwise, so nobody reaches another pair's call.
     */
    private Optional<CallStore.Call> callOf(DeviceSession session, ClientFrame.Send send) {
        String sender = session.account();
        Optional<CallStore.Call> asCaller = calls.get(CallStore.key(sender, send.callId()));
        if (asCaller.isPresent() && asCaller.get().callee().equals(send.to())) {
            if (asCaller.get().callerDevice() != session.device() && send.kind() != EnvelopeKind.CALL_HANGUP) {
                refuse(session, send.id(), RefusalCode.NOT_A_CALL_PARTY, "only the device that offered the call signals for it");
                return Optional.empty();
            }
            return asCaller;
        }
        Optional<CallStore.Call> asCallee = calls.get(CallStore.key(send.to(), send.callId()));
        if (asCallee.isPresent() && asCallee.get().callee().equals(sender)) {
            return asCallee;
        }
        if (asCaller.isPresent() || asCallee.isPresent()) {
            refuse(session, send.id(), RefusalCode.NOT_A_CALL_PARTY, "the sender is not a party of this call");
        } else {
            refuse(session, send.id(), RefusalCode.CALL_NOT_FOUND, "no call with this id between the sender and the recipient");
        }
        return Optional.empty();
    }

    private void refuseNotLive(DeviceSession session, String id, CallStore.Call call, Instant now) {
        if (!call.live(now)) {
            refuse(session, id, RefusalCode.CALL_ENDED, "the call has ended");
        } else if (call.state() == CallStore.State.ANSWERED && call.signals() < config.maxSignals()) {
            refuse(session, id, RefusalCode.CALL_ANSWERED, "the call was answered already");
        } else {
            refuse(session, id, RefusalCode.SIGNALLING_LIMIT, "the call's " + config.maxSignals()
                    + " signalling envelopes are used up");
        }
    }

    private void releaseHold(String holdKey, UsageEvent release) {
        try {
            if (store.releaseHeld(holdKey)) {
                outbox.publishAndClear(release, holdKey);
            }
        } catch (RuntimeException e) {
            LOG.warnf("call hold not released now (%s); the sweeper releases it", e.getClass().getSimpleName());
        }
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

    /** Stored: tell the recipient's instances, then the sender (as EnvelopeRouter does for messages). */
    private void accepted(DeviceSession session, ClientFrame.Send send, List<QueueStore.QueuedMessage> rows) {
        delivery.announce(send.to(), rows).orTimeout(5, TimeUnit.SECONDS).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.debugf("delivery notice not acknowledged (%s)", error.getClass().getSimpleName());
            }
            workers.execute(() -> {
                metrics.accepted(send.kind().name());
                session.answer(send.id(), FrameCodec.accepted(send.id(), false));
            });
        });
    }

    private void acceptedAgain(DeviceSession session, String id) {
        metrics.accepted("DUPLICATE");
        session.answer(id, FrameCodec.accepted(id, true));
    }

    private void refuseUseNewCall(DeviceSession session, String id, String detail) {
        metrics.refused(RefusalCode.UNAVAILABLE);
        session.answer(id, FrameCodec.refusedUseNewId(id, RefusalCode.UNAVAILABLE, detail));
    }

    private void refuse(DeviceSession session, String id, RefusalCode code, String detail) {
        metrics.refused(code);
        session.answer(id, FrameCodec.refused(id, code, detail));
    }
}
