package net.secureconnect.relay.service;

import java.util.function.LongSupplier;

/** A token bucket: {@code perSecond} tokens a second up to {@code burst}. Thread-safe. */
public final class TokenBucket {

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long refilledAt;

    public TokenBucket(double perSecond, double burst, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
    }

    public TokenBucket(double perSecond, double burst) {
        this(perSecond, burst, System::nanoTime);
    }

    /** Takes {@code amount} tokens if there are that many; false (nothing taken) otherwise. */
    public synchronized boolean tryTake(double amount) {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
        refilledAt = now;
        if (tokens < amount) {
            return false;
        }
        tokens -= amount;
        return true;
    }
}
