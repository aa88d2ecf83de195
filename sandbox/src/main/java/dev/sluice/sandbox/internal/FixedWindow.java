package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.LimitSpec;

/** At most {@code count} requests per window; windows are aligned to the epoch. */
final class FixedWindow implements Bandwidth {
    private final LimitSpec spec;
    private final long period;
    private long window = Long.MIN_VALUE;
    private long used;

    FixedWindow(LimitSpec spec) {
        this.spec = spec;
        this.period = spec.period().toNanos();
    }

    @Override
    public LimitSpec spec() {
        return spec;
    }

    @Override
    public long waitNanos(long now, long amount) {
        roll(now);
        return used + amount <= spec.count() ? 0 : resetNanos(now);
    }

    @Override
    public void consume(long now, long amount) {
        roll(now);
        used += amount;
    }

    @Override
    public long remaining(long now) {
        roll(now);
        return spec.count() - used;
    }

    @Override
    public long resetNanos(long now) {
        return (Math.floorDiv(now, period) + 1) * period - now;
    }

    private void roll(long now) {
        long current = Math.floorDiv(now, period);
        if (current != window) {
            window = current;
            used = 0;
        }
    }
}
