package net.secureconnect.relay.service;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.protocol.FrameCodec;
import net.secureconnect.relay.repository.CallStore;
import net.secureconnect.relay.repository.QueueStore;
import org.jboss.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Times calls on the instance that took their offer (ring timeout) or answer (minutes). Minute 1 is authorized at
 * the offer ({@link CallSignalling}); after the answer this meter authorizes minute n at the start of minute n,
 * for the caller only, and after each paid minute gives both parties TURN credentials valid until the end of the
 * paid period plus a margin — the credentials are the meter: no paid minute, no relay path. A minute that cannot
 * be paid ends the call on both sides at once ({@code call-ended {reason: INSUFFICIENT_CREDITS}}). The call row
 * ({@link CallStore}) is the truth every instance shares; {@link EndedCalls} only lets a meter stop sooner.
 */
@ApplicationScoped
public class CallMeter {

    private static final Logger LOG = Logger.getLogger(CallMeter.class);
    public static final String INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS";
    public static final String HANGUP = "HANGUP";
    public static final String NO_ANSWER = "NO_ANSWER";
    /** The public secret of the dev and test profiles: never valid in production. */
    static final String DEV_TURN_SECRET = "secureconnect-dev-turn-secret";

    private final BalanceBook balances;
    private final Authorizations authorizations;
    private final UsageOutbox outbox;
    private final Delivery delivery;
    private final EndedCalls endedCalls;
    private final CallStore calls;
    private final QueueStore store;
    private final RelayConfig.Calls config;
    private final Duration authorizeTimeout;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "relay-call-meter");
        thread.setDaemon(true);
        return thread;
    });

    public CallMeter(BalanceBook balances, Authorizations authorizations, UsageOutbox outbox, Delivery delivery,
                     EndedCalls endedCalls, CallStore calls, QueueStore store, RelayConfig config) {
        this.balances = balances;
        this.authorizations = authorizations;
        this.outbox = outbox;
        this.delivery = delivery;
        this.endedCalls = endedCalls;
        this.calls = calls;
        this.store = store;
        this.config = config.calls();
        this.authorizeTimeout = config.billing().authorizeTimeout();
    }

    /** Outside dev and test, the relay does not start without its own TURN secret: anyone knows the dev one. */
    void requireTurnSecret(@Observes StartupEvent startup) {
        requireTurnSecret(config.turnSecret(), LaunchMode.current());
    }

    static void requireTurnSecret(Optional<String> secret, LaunchMode mode) {
        if (mode.isDevOrTest()) {
            return;
        }
        if (secret.isEmpty() || secret.get().isBlank() || secret.get().equals(DEV_TURN_SECRET)) {
            throw new IllegalStateException("relay.calls.turn-secret (RELAY_CALLS_TURN_SECRET) must be set to the TURN "
                    + "server's static-auth-secret in production; the public dev secret is refused");
        }
    }

    /** The usage event id of a call minute: per caller and call id, so two callers' calls never share one. */
    public static String minuteUsageId(String caller, String callId, int minute) {
        return EventIds.forCause(EventType.USAGE_EVENT, EnvelopeRouter.SOURCE, "call", caller, callId,
                Integer.toString(minute));
    }

    /** An offer was accepted (minute 1 held): end it unanswered at its ring deadline. */
    public void ringing(CallStore.Call call) {
        long delay = Math.max(0, Duration.between(Instant.now(), call.ringDeadline()).toMillis());
        timer.schedule(() -> {
            try {
                if (calls.end(call.key(), CallStore.State.RINGING)) {
                    releaseFirstMinute(call);
                    pushEnded(call, NO_ANSWER);
                }
            } catch (RuntimeException e) {
                // The row says RINGING past its deadline, which every instance reads as over; the sweeper
                // releases minute 1 when its hold is due.
                LOG.warnf("unanswered call not ended now (%s); its hold is released when due", e.getClass().getSimpleName());
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Gives back the authorization of minute 1 of an unanswered call (once: only whoever turns its hold into a
     * release publishes it). If this fails, the hold stays in the outbox and any instance's sweeper releases it.
     */
    public void releaseFirstMinute(CallStore.Call call) {
        String holdKey = CallStore.firstMinuteHoldKey(call.key());
        try {
            if (store.releaseHeld(holdKey)) {
                outbox.publishAndClear(UsageOutbox.releaseOf(call.caller(), UsageKind.CALL_MINUTE,
                        minuteUsageId(call.caller(), call.callId(), 1)), holdKey);
            }
        } catch (RuntimeException e) {
            LOG.warnf("first call minute not released now (%s); the sweeper releases it", e.getClass().getSimpleName());
        }
    }

    /** The callee answered (minute 1 is paid): TURN credentials for both, then meter the next minutes. */
    public void answered(CallStore.Call call, Instant answeredAt) {
        Instant paidUntil = answeredAt.plus(config.minute());
        pushTurn(call, paidUntil);
        schedule(call, answeredAt, 2);
    }

    /** A party hung up (the call row is ENDED already): tell both sides, and every instance. */
    public void hungUp(CallStore.Call call) {
        pushEnded(call, HANGUP);
    }

    private void schedule(CallStore.Call call, Instant answeredAt, int minute) {
        Instant start = answeredAt.plus(config.minute().multipliedBy(minute - 1L));
        long delay = Math.max(0, Duration.between(Instant.now(), start).toMillis());
        timer.schedule(() -> charge(call, answeredAt, minute), delay, TimeUnit.MILLISECONDS);
    }

    private void charge(CallStore.Call call, Instant answeredAt, int minute) {
        try {
            if (endedCalls.ended(call.key())
                    || calls.get(call.key()).map(c -> c.state() != CallStore.State.ANSWERED).orElse(true)) {
                return; // hung up, here or on another instance
            }
        } catch (RuntimeException e) {
            // Cannot tell: go on charging (a hangup ends it at the next minute at the latest).
            LOG.debugf("call state not read (%s)", e.getClass().getSimpleName());
        }
        String usageId = minuteUsageId(call.caller(), call.callId(), minute);
        if (balances.decide(call.caller(), UsageKind.CALL_MINUTE, usageId) == BillingDecision.REFUSE) {
            endUnpaid(call);
            return;
        }
        UsageEvent usage = new UsageEvent(usageId, Instant.now(), call.caller(), UsageKind.CALL_MINUTE, 1,
                UsageMode.AUTHORIZE, call.callId() + ":" + minute, EnvelopeRouter.SOURCE);
        var answer = authorizations.expect(usageId);
        AtomicBoolean published = new AtomicBoolean();
        outbox.publish(usage).whenComplete((ok, error) -> {
            if (error != null) {
                answer.completeExceptionally(error);
            } else {
                published.set(true);
            }
        });
        answer.orTimeout(authorizeTimeout.toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((paid, error) -> {
            if (error != null) {
                balances.release(call.caller(), usageId);
                if (published.get()) {
                    outbox.release(call.caller(), UsageKind.CALL_MINUTE, usageId); // the minute will not be used
                }
            }
            if (error != null || !paid) {
                endUnpaid(call);
                return;
            }
            pushTurn(call, answeredAt.plus(config.minute().multipliedBy(minute)));
            schedule(call, answeredAt, minute + 1);
        }, timer); // not on the thread that completed the answer (the relay's Kafka consumer)
    }

    private void endUnpaid(CallStore.Call call) {
        boolean ended;
        try {
            ended = calls.end(call.key(), CallStore.State.ANSWERED);
        } catch (RuntimeException e) {
            ended = true; // tell the parties anyway: their credentials run out with the paid period
            LOG.warnf("unpaid call not marked ended (%s)", e.getClass().getSimpleName());
        }
        if (ended) {
            pushEnded(call, INSUFFICIENT_CREDITS);
        }
    }

    private void pushEnded(CallStore.Call call, String reason) {
        String frame = FrameCodec.callEnded(call.callId(), call.caller(), reason);
        delivery.push(call.caller(), frame, Optional.of(call.key()));
        delivery.push(call.callee(), frame, Optional.of(call.key()));
    }

    private void pushTurn(CallStore.Call call, Instant paidUntil) {
        Instant expiry = paidUntil.plus(config.turnMargin());
        for (String party : List.of(call.caller(), call.callee())) {
            delivery.push(party, turnCredentials(call, party, expiry), Optional.empty());
        }
    }

    /** coturn's REST API scheme: username = expiry:account, credential = base64(HMAC-SHA1(secret, username)). */
    String turnCredentials(CallStore.Call call, String account, Instant expiry) {
        String username = expiry.getEpochSecond() + ":" + account;
        String secret = config.turnSecret().orElseThrow(() -> new IllegalStateException("no TURN secret"));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String credential = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
            long ttl = Math.max(0, Duration.between(Instant.now(), expiry).toSeconds());
            return FrameCodec.callTurn(call.callId(), call.caller(), username, credential, ttl, config.turnUrls());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is in every JRE", e);
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
