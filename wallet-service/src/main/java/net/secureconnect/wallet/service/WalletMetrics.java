package net.secureconnect.wallet.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.EventType;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The wallet's own meters (Prometheus names in wallet-service/README.md). */
@ApplicationScoped
public class WalletMetrics {

    private final MeterRegistry registry;
    private final Counter overdraft;
    private final Counter revocationShortfall;
    private final Counter republished;
    private final Timer apply;
    private final AtomicLong lag = new AtomicLong();
    // Looked up once per tag value: the hot path records thousands of times a second.
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<EventType, Timer> announce = new ConcurrentHashMap<>();

    public WalletMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.overdraft = Counter.builder("wallet.overdraft.credits")
                .description("Credits of captured usage the balance could not cover (target: 0)")
                .register(registry);
        this.revocationShortfall = Counter.builder("wallet.revocation.shortfall.credits")
                .description("Credits of revocations the balance could not cover")
                .register(registry);
        this.republished = Counter.builder("wallet.announcements.republished")
                .description("Ledger entries announced again by the outbox relay")
                .register(registry);
        this.apply = Timer.builder("wallet.apply")
                .description("From a record's arrival (poll) to its transaction being durable")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(registry);
        registry.gauge("wallet.consumer.lag.records", lag);
    }

    public void applied(EntryKind kind) {
        counter("wallet.events.applied", "kind", kind.name()).increment();
    }

    /** Credits of a payment that reached a closed (deleted) account: kept in its ledger, to be refunded. */
    public void closedCredit(long credits) {
        registry.counter("wallet.closed.credits").increment(credits);
    }

    public void duplicate(String changeType) {
        counter("wallet.events.duplicate", "type", changeType).increment();
    }

    public void rejected(String usageKind) {
        counter("wallet.usage.rejected", "kind", usageKind).increment();
    }

    public void deadLettered(String topic, String reason) {
        registry.counter("wallet.events.dead.lettered", "topic", topic, "reason", reason).increment();
    }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + '|' + value, key -> registry.counter(name, tag, value));
    }

    public void overdraft(long credits) {
        overdraft.increment(credits);
    }

    public void revocationShortfall(long credits) {
        revocationShortfall.increment(credits);
    }

    public void republished(int entries) {
        republished.increment(entries);
    }

    public void applyLatency(long nanos) {
        apply.record(Duration.ofNanos(nanos));
    }

    /** From a causing record's arrival to the acknowledged publication of an announcement. */
    public void announceLatency(EventType type, long nanos) {
        announce.computeIfAbsent(type, key -> Timer.builder("wallet.announce")
                .description("From the causing record's arrival (poll) to the announcement acknowledged by Kafka")
                .tag("type", key.wireName())
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .register(registry)).record(Duration.ofNanos(nanos));
    }

    public void lag(long records) {
        lag.set(records);
    }
}
