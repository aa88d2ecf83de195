package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.LimitSpec;

/**
 * The state of one limit. Times are nanoseconds since the epoch and never go backwards; callers
 * hold the {@link RateLimiter}'s lock, so implementations need no synchronisation of their own.
 */
interface Bandwidth {
    LimitSpec spec();

    /** 0 when a request could be admitted at {@code now}, else how long until one can. */
    default long waitNanos(long now) {
        return waitNanos(now, 1);
    }

    /** 0 when {@code amount} (at most the capacity) could be admitted at {@code now}, else how long until it can. */
    long waitNanos(long now, long amount);

    default void consume(long now) {
        consume(now, 1);
    }

    void consume(long now, long amount);

    long remaining(long now);

    /** How long until the full quota is available again. */
    long resetNanos(long now);

    static Bandwidth of(LimitSpec spec, long now) {
        return switch (spec.mode()) {
            case WINDOW -> new FixedWindow(spec);
            case BUCKET -> new TokenBucket(spec, now);
        };
    }
}
