package dev.sluice.call;

import java.util.concurrent.atomic.LongAdder;

/** What a run's API calls did, for the summary line and the attempt record. Thread-safe. */
public final class CallStats {
    private final LongAdder calls = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder permitWaitNanos = new LongAdder();

    void call() {
        calls.increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    void retry() {
        retries.increment();
    }

    void failure() {
        failures.increment();
    }

    void waitedForPermit(long nanos) {
        permitWaitNanos.add(nanos);
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
