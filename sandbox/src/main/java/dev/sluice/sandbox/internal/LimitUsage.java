package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.LimitSpec;

/** Hears what each limit admitted, from inside the limiter's lock, so calls come in time order. */
interface LimitUsage {
    LimitUsage NONE = (name, unit, spec, nowNanos, amount) -> {};

    /**
     * {@code amount} (&gt; 0) was admitted by limit {@code name} at {@code nowNanos}.
     *
     * @param unit {@code requests} or {@code units}
     */
    void admitted(String name, String unit, LimitSpec spec, long nowNanos, long amount);
}
