package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.FaultKind;
import dev.sluice.sandbox.Faults;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Draws each admitted request's faults from (seed, sequence number): the same seed and request
 * sequence always get the same faults, whatever the rates are changed to at run time.
 */
final class FaultInjector {
    private static final long FAULT_SALT = 0xFA17;
    private static final long STATUS_SALT = 0x5747;
    private static final long JITTER_SALT = 0x717E;

    private final AtomicLong sequence = new AtomicLong();

    FaultPlan draw(long seed, Faults faults) {
        long n = sequence.incrementAndGet();
        double u = Mix.unit(Mix.of(seed, n, FAULT_SALT));
        double jitter = Mix.unit(Mix.of(seed, n, JITTER_SALT));
        Duration delay =
                faults.latency().plusNanos((long) (faults.latencyJitter().toNanos() * jitter));
        return new FaultPlan(kind(u, Mix.of(seed, n, STATUS_SALT), faults), delay);
    }

    private static FaultKind kind(double u, long statusDraw, Faults f) {
        if (u < f.errorRate()) {
            return (statusDraw & 1) == 0 ? FaultKind.ERROR_503 : FaultKind.ERROR_500;
        }
        if (u < f.errorRate() + f.resetRate()) {
            return FaultKind.RESET;
        }
        if (u < f.errorRate() + f.resetRate() + f.malformedRate()) {
            return FaultKind.MALFORMED;
        }
        return null;
    }
}
