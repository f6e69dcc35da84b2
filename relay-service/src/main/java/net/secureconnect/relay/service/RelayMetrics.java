package net.secureconnect.relay.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.relay.protocol.FrameError;
import net.secureconnect.relay.protocol.RefusalCode;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The relay's metrics (Prometheus names in relay-service/README.md). */
@ApplicationScoped
public class RelayMetrics {

    private final MeterRegistry registry;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<RefusalCode, Counter> refused = new EnumMap<>(RefusalCode.class);
    private final Map<FrameError, Counter> frameErrors = new EnumMap<>(FrameError.class);
    private final Timer deliverLatency;
    private final Timer enforcementLatency;
    private final Timer authorizeLatency;
    private final Timer storeLatency;
    private final DistributionSummary queueDepth;
    /** Most characters ever waiting in one connection's outbound buffer (bounded by relay.connection.max-outbound). */
    private final AtomicLong outboundHighWater = new AtomicLong();
    private final Counter closedTooSlow;
    private final Counter closedTooManyErrors;
    private final Counter reconnectsRefused;
    private final Counter framesLimited;

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("relay.connections", connections);
        registry.gauge("relay.deliveries.unacknowledged", inFlight);
        for (RefusalCode code : RefusalCode.values()) {
            refused.put(code, Counter.builder("relay.envelopes.refused").tag("reason", code.name()).register(registry));
        }
        for (FrameError code : FrameError.values()) {
            frameErrors.put(code, Counter.builder("relay.frames.rejected").tag("code", code.name()).register(registry));
        }
        deliverLatency = Timer.builder("relay.delivery.latency").description("accepted → deliver frame written")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry);
        enforcementLatency = Timer.builder("relay.enforcement.latency")
                .description("wallet event written to Kafka → applied by this instance")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry);
        authorizeLatency = Timer.builder("relay.authorization.latency").description("authorize published → wallet answer")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry);
        storeLatency = Timer.builder("relay.store.latency")
                .description("envelope and queue rows written (one DynamoDB transaction, grouped with others)")
                .publishPercentileHistogram().publishPercentiles(0.5, 0.99).register(registry);
        registry.gauge("relay.connection.outbound.high.water", outboundHighWater);
        closedTooSlow = Counter.builder("relay.connections.closed").tag("reason", "TOO_SLOW").register(registry);
        closedTooManyErrors = Counter.builder("relay.connections.closed").tag("reason", "TOO_MANY_ERRORS")
                .register(registry);
        reconnectsRefused = Counter.builder("relay.connections.closed").tag("reason", "RECONNECTING_TOO_OFTEN")
                .register(registry);
        framesLimited = Counter.builder("relay.frames.limited").description("frames dropped or refused before decoding")
                .register(registry);
        queueDepth = DistributionSummary.builder("relay.queue.depth.on.connect")
                .description("envelopes waiting in a device's queue when it connects").register(registry);
    }

    public void connected() {
        connections.incrementAndGet();
    }

    public void disconnected() {
        connections.decrementAndGet();
    }

    public void accepted(String mode) {
        registry.counter("relay.envelopes.accepted", "mode", mode).increment();
    }

    public void refused(RefusalCode code) {
        refused.get(code).increment();
    }

    public void frameRejected(FrameError code) {
        frameErrors.get(code).increment();
    }

    public void usagePublished(String mode, String path) {
        registry.counter("relay.usage.events.published", "mode", mode, "path", path).increment();
    }

    public void delivered(Duration sinceAccepted) {
        deliverLatency.record(sinceAccepted.isNegative() ? Duration.ZERO : sinceAccepted);
    }

    public void enforced(Duration sinceWritten) {
        enforcementLatency.record(sinceWritten.isNegative() ? Duration.ZERO : sinceWritten);
    }

    public void authorized(Duration roundTrip) {
        authorizeLatency.record(roundTrip);
    }

    public void stored(long nanos) {
        storeLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void queueDepthOnConnect(int depth) {
        queueDepth.record(depth);
    }

    public void inFlight(long delta) {
        inFlight.addAndGet(delta);
    }

    public void outboundQueued(long chars) {
        outboundHighWater.accumulateAndGet(chars, Math::max);
    }

    public long outboundHighWater() {
        return outboundHighWater.get();
    }

    public void closedTooSlow() {
        closedTooSlow.increment();
    }

    public double closedTooSlowCount() {
        return closedTooSlow.count();
    }

    public void closedTooManyErrors() {
        closedTooManyErrors.increment();
    }

    public void reconnectRefused() {
        reconnectsRefused.increment();
    }

    public void frameLimited() {
        framesLimited.increment();
    }
}
