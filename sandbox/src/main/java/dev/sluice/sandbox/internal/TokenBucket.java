package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.LimitSpec;

/** A token bucket that starts full and refills greedily (continuously) at {@code count} per period. */
final class TokenBucket implements Bandwidth {
    /** Absorbs floating-point error so a request at the announced time is admitted. */
    private static final double EPSILON = 1e-9;

    private final LimitSpec spec;
    private final double perNano;
    private double tokens;
    private long last;

    TokenBucket(LimitSpec spec, long now) {
        this.spec = spec;
        this.perNano = (double) spec.count() / spec.period().toNanos();
        this.tokens = spec.capacity();
        this.last = now;
    }

    @Override
    public LimitSpec spec() {
        return spec;
    }

    @Override
    public long waitNanos(long now, long amount) {
        refill(now);
        return tokens >= amount - EPSILON ? 0 : nanosFor(amount - tokens);
    }

    @Override
    public void consume(long now, long amount) {
        refill(now);
        tokens -= amount;
    }

    @Override
    public long remaining(long now) {
        refill(now);
        return (long) Math.floor(tokens + EPSILON);
    }

    @Override
    public long resetNanos(long now) {
        refill(now);
        return nanosFor(spec.capacity() - tokens);
    }

    private long nanosFor(double missing) {
        return Math.max(0, (long) Math.ceil(missing / perNano));
    }

    private void refill(long now) {
        tokens = Math.min(spec.capacity(), tokens + (now - last) * perNano);
        last = now;
    }
}
