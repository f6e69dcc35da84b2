package net.secureconnect.runtime.ratelimit;

/**
 * A token bucket: {@code capacity} tokens, one added every {@code refillNanos}, a request takes one.
 * Time is passed in, so the arithmetic is tested without sleeping. Shared by identity's and media's rate limits.
 */
public final class TokenBucket {

    private final int capacity;
    private final long refillNanos;
    private double tokens;
    private long updatedAt;

    public TokenBucket(int capacity, long refillNanos, long now) {
        if (capacity < 1 || refillNanos < 1) {
            throw new IllegalArgumentException("capacity and refill period must be positive");
        }
        this.capacity = capacity;
        this.refillNanos = refillNanos;
        this.tokens = capacity;
        this.updatedAt = now;
    }

    /** Takes a token and returns 0, or returns the nanoseconds until one is available (taking nothing). */
    public synchronized long tryTake(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) * refillNanos);
    }

    /** True when the bucket is full again, i.e. forgetting it changes nothing. */
    public synchronized boolean isFull(long now) {
        refill(now);
        return tokens >= capacity;
    }

    private void refill(long now) {
        long elapsed = now - updatedAt;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + (double) elapsed / refillNanos);
            updatedAt = now;
        }
    }
}
