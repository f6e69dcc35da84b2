package net.secureconnect.relay.service;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.protocol.FrameCodec;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Meters answered calls on the instance that relayed the answer: one CALL_MINUTE is authorized for the caller at
 * answer and at the start of each following minute; when one is refused (or the caller is suspended for calls)
 * both parties get {@code call-ended {reason: INSUFFICIENT_CREDITS}} and every instance refuses later signalling
 * for the call. Both parties get short-lived TURN credentials at answer.
 */
@ApplicationScoped
public class CallMeter {

    public static final String INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS";
    public static final String HANGUP = "HANGUP";

    private final BalanceBook balances;
    private final Authorizations authorizations;
    private final UsageOutbox outbox;
    private final Delivery delivery;
    private final EndedCalls endedCalls;
    private final RelayConfig.Calls config;
    private final Duration authorizeTimeout;
    private final Map<String, Call> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "relay-call-meter");
        thread.setDaemon(true);
        return thread;
    });

    private record Call(String callId, String caller, String callee, Instant answeredAt) {
    }

    public CallMeter(BalanceBook balances, Authorizations authorizations, UsageOutbox outbox, Delivery delivery,
                     EndedCalls endedCalls, RelayConfig config) {
        this.balances = balances;
        this.authorizations = authorizations;
        this.outbox = outbox;
        this.delivery = delivery;
        this.endedCalls = endedCalls;
        this.config = config.calls();
        this.authorizeTimeout = config.billing().authorizeTimeout();
    }

    /** The callee answered: charge the first minute now, hand out TURN credentials, meter the next minutes. */
    public void answered(String callId, String caller, String callee) {
        Call call = new Call(callId, caller, callee, Instant.now());
        if (running.putIfAbsent(callId, call) != null) {
            return; // a second answer (another device of the callee) changes nothing
        }
        for (String party : List.of(caller, callee)) {
            delivery.push(party, turnCredentials(callId, party), Optional.empty());
        }
        charge(call, 1);
    }

    /** A party hung up: stop metering and tell both sides. */
    public void hungUp(String callId, String caller, String callee) {
        end(callId, caller, callee, HANGUP);
    }

    private void charge(Call call, int minute) {
        if (endedCalls.ended(call.callId())) {
            running.remove(call.callId());
            return;
        }
        String usageId = EventIds.forCause(EventType.USAGE_EVENT, EnvelopeRouter.SOURCE, "call", call.callId(),
                Integer.toString(minute));
        if (balances.decide(call.caller(), UsageKind.CALL_MINUTE, usageId) == BillingDecision.REFUSE) {
            end(call.callId(), call.caller(), call.callee(), INSUFFICIENT_CREDITS);
            return;
        }
        UsageEvent usage = new UsageEvent(usageId, Instant.now(), call.caller(), UsageKind.CALL_MINUTE, 1,
                UsageMode.AUTHORIZE, call.callId() + ":" + minute, EnvelopeRouter.SOURCE);
        var answer = authorizations.expect(usageId);
        java.util.concurrent.atomic.AtomicBoolean published = new java.util.concurrent.atomic.AtomicBoolean();
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
                end(call.callId(), call.caller(), call.callee(), INSUFFICIENT_CREDITS);
                return;
            }
            Instant next = call.answeredAt().plus(config.minute().multipliedBy(minute));
            long delay = Math.max(0, Duration.between(Instant.now(), next).toMillis());
            timer.schedule(() -> charge(call, minute + 1), delay, TimeUnit.MILLISECONDS);
        }, timer); // not on the thread that completed the answer (the relay's Kafka consumer)
    }

    private void end(String callId, String caller, String callee, String reason) {
        running.remove(callId);
        if (endedCalls.ended(callId)) {
            return;
        }
        String frame = FrameCodec.callEnded(callId, reason);
        delivery.push(caller, frame, Optional.of(callId));
        delivery.push(callee, frame, Optional.of(callId));
    }

    /** coturn's REST API scheme: username = expiry:account, credential = base64(HMAC-SHA1(secret, username)). */
    String turnCredentials(String callId, String account) {
        long expiry = Instant.now().plus(config.turnTtl()).getEpochSecond();
        String username = expiry + ":" + account;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(config.turnSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            String credential = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
            return FrameCodec.callTurn(callId, username, credential, config.turnTtl().toSeconds(), config.turnUrls());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is in every JRE", e);
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
