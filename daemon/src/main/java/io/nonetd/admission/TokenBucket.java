package io.nonetd.admission;

/** A token bucket: {@code rate} tokens per second, at most {@code burst} saved up. Time is passed in. */
final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }

    /** Full again: nothing to remember about this source. */
    boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerNano);
        lastNanos = nowNanos;
    }
}
