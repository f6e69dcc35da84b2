package net.secureconnect.relay.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.relay.config.RelayConfig;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-account token buckets on this instance: envelopes/s and ciphertext bytes/s, each with a burst of one
 * second's worth. An account connected to several instances gets the limit on each.
 */
@ApplicationScoped
public class RateLimiter {

    private final double envelopesPerSecond;
    private final double bytesPerSecond;
    private final LongSupplier nanoClock;
    private final Map<String, Buckets> accounts = new ConcurrentHashMap<>();

    @jakarta.inject.Inject
    public RateLimiter(RelayConfig config) {
        this(config.limits().envelopesPerSecond(), config.limits().bytesPerSecond(), System::nanoTime);
    }

    RateLimiter(double envelopesPerSecond, double bytesPerSecond, LongSupplier nanoClock) {
        this.envelopesPerSecond = envelopesPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        this.nanoClock = nanoClock;
    }

    private final class Buckets {
        double envelopes = envelopesPerSecond;
        double bytes = bytesPerSecond;
        long refilledAt = nanoClock.getAsLong();

        synchronized boolean take(long size) {
            long now = nanoClock.getAsLong();
            double seconds = (now - refilledAt) / 1e9;
            refilledAt = now;
            envelopes = Math.min(envelopesPerSecond, envelopes + seconds * envelopesPerSecond);
            bytes = Math.min(bytesPerSecond, bytes + seconds * bytesPerSecond);
            if (envelopes < 1 || bytes < size) {
                return false;
            }
            envelopes -= 1;
            bytes -= size;
            return true;
        }
    }

    private final Map<String, TokenBucket> connects = new ConcurrentHashMap<>();
    private double connectsPerMinute = 30;

    @jakarta.inject.Inject
    void connectLimit(RelayConfig config) {
        this.connectsPerMinute = config.connection().connectsPerMinute();
    }

    /** Takes one connection of the device from its allowance on this instance; false = reconnecting too often. */
    public boolean tryConnect(String account, int device) {
        return connects.computeIfAbsent(account + "/" + device,
                key -> new TokenBucket(connectsPerMinute / 60.0, 10, nanoClock)).tryTake(1);
    }

    /** Takes one envelope of {@code bytes} ciphertext bytes from the account's allowance; false = over the limit. */
    public boolean tryAcquire(String account, long bytes) {
        return accounts.computeIfAbsent(account, a -> new Buckets()).take(bytes);
    }
}
