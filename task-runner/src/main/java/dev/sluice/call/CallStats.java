package dev.sluice.call;

import dev.sluice.history.LimitHistory;
import dev.sluice.ratelimit.PermitCost;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a run's API calls did, for the summary line and the attempt record, passed on to the
 * limits' shared history when the gate has one ({@link #recordTo}). Thread-safe.
 */
public final class CallStats {
    private final LongAdder calls = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder permitWaitNanos = new LongAdder();
    // units spent per limit, only for calls that cost something other than one permit of each
    private final Map<String, LongAdder> units = new ConcurrentSkipListMap<>();
    private volatile LimitHistory.Recorder history = LimitHistory.Recorder.NONE;

    /** From now on, also counts calls, 429s and permit waits in the limits' history. */
    public void recordTo(LimitHistory.Recorder recorder) {
        history = recorder;
    }

    void call() {
        calls.increment();
        history.call();
    }

    void rateLimited() {
        rateLimited.increment();
        history.rateLimited();
    }

    void retry() {
        retries.increment();
    }

    void failure() {
        failures.increment();
    }

    void waitedForPermit(long nanos) {
        permitWaitNanos.add(nanos);
        history.waited(nanos);
    }

    void spent(List<String> limits, PermitCost cost) {
        if (!cost.equals(PermitCost.ONE)) {
            limits.forEach(l -> units.computeIfAbsent(l, k -> new LongAdder()).add(cost.of(l)));
        }
    }

    /**
     * Units each limit gave the calls that had a {@code cost} (retries included), by limit; empty
     * when every call took one permit of each (then {@link #calls()} says it).
     */
    public Map<String, Long> unitsSpent() {
        Map<String, Long> out = new java.util.TreeMap<>();
        units.forEach((limit, n) -> out.put(limit, n.sum()));
        return out;
    }

    /** Requests sent (every attempt, retries included). */
    public long calls() {
        return calls.sum();
    }

    /** 429 answers received. */
    public long rateLimitedAnswers() {
        return rateLimited.sum();
    }

    /** Attempts that were retries of an earlier one. */
    public long retries() {
        return retries.sum();
    }

    /** Attempts that failed (network, 5xx, 429, malformed body). */
    public long failures() {
        return failures.sum();
    }

    /** Time spent waiting for permits of shared limits. */
    public long permitWaitMillis() {
        return permitWaitNanos.sum() / 1_000_000;
    }
}
