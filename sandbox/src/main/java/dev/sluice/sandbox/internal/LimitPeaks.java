package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.LimitPeak;
import dev.sluice.sandbox.LimitSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most each limit admitted in one epoch-aligned window of its period. Fed from inside the
 * limiter's lock, so admissions arrive in time order and one running window per limit suffices:
 * memory stays constant however long the sandbox runs.
 */
final class LimitPeaks {
    private final Map<String, Peak> peaks = new ConcurrentHashMap<>();
    private final AtomicLong order = new AtomicLong();

    void admitted(String name, String unit, LimitSpec spec, long nowNanos, long amount) {
        peaks.computeIfAbsent(unit + " " + name + " " + spec, k -> new Peak(order.incrementAndGet(), name, unit, spec))
                .add(nowNanos, amount);
    }

    /** Request limits first, then unit limits, each in the order they first admitted something. */
    List<LimitPeak> snapshot() {
        List<Peak> all = new ArrayList<>(peaks.values());
        all.sort(Comparator.comparing((Peak p) -> !p.unit.equals("requests")).thenComparingLong(p -> p.order));
        return all.stream().map(Peak::view).toList();
    }

    private static final class Peak {
        final long order;
        final String name;
        final String unit;
        final LimitSpec spec;
        final long period;
        long window = Long.MIN_VALUE;
        long used;
        long peak;
        long admitted;

        Peak(long order, String name, String unit, LimitSpec spec) {
            this.order = order;
            this.name = name;
            this.unit = unit;
            this.spec = spec;
            this.period = spec.period().toNanos();
        }

        synchronized void add(long nowNanos, long amount) {
            long w = Math.floorDiv(nowNanos, period);
            if (w != window) {
                window = w;
                used = 0;
            }
            used += amount;
            peak = Math.max(peak, used);
            admitted += amount;
        }

        synchronized LimitPeak view() {
            return new LimitPeak(name, unit, spec.toString(), peak, admitted);
        }
    }
}
