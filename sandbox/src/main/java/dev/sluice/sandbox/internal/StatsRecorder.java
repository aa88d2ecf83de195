package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.FaultKind;
import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.SandboxStats;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** Counts what the sandbox saw; lock-free, and reset by swapping in fresh counters. */
final class StatsRecorder {
    private final Supplier<RecordStats> records;
    private volatile Counters c = new Counters();

    /** {@code records} supplies the per-record ground truth, which lives (and resets) elsewhere. */
    StatsRecorder(Supplier<RecordStats> records) {
        this.records = records;
    }

    void reset() {
        c = new Counters();
    }

    void request(Instant at, String partition) {
        Counters now = c;
        now.requests.increment();
        now.first.compareAndSet(null, at);
        now.last.accumulateAndGet(at, (a, b) -> a == null || b.isAfter(a) ? b : a);
        if (partition != null) {
            now.partitions.computeIfAbsent(partition, p -> new LongAdder()).increment();
        }
    }

    /** An admitted request's answer (or its broken connection) left at {@code at}. */
    void answered(Instant at) {
        c.lastAnswered.accumulateAndGet(at, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    void admitted(long nowNanos) {
        Counters now = c;
        now.admitted.increment();
        now.perSecond
                .computeIfAbsent(Math.floorDiv(nowNanos, 1_000_000_000L), s -> new LongAdder())
                .increment();
    }

    void rateLimited(boolean early) {
        Counters now = c;
        now.rateLimited.increment();
        if (early) {
            now.early.increment();
        }
    }

    void fault(FaultKind kind) {
        c.faults.computeIfAbsent(kind.key(), k -> new LongAdder()).increment();
    }

    void status(int status) {
        switch (status) {
            case 400 -> c.badRequests.increment();
            case 401 -> c.unauthorized.increment();
            default -> {}
        }
    }

    void servedOk() {
        c.servedOk.increment();
    }

    void event(boolean duplicate) {
        (duplicate ? c.duplicates : c.events).increment();
    }

    OAuthCounters oauth() {
        return c.oauth;
    }

    /** A {@link LimitUsage} for the limiter: feeds the current counters' peaks. */
    void limitAdmitted(String name, String unit, LimitSpec spec, long nowNanos, long amount) {
        c.peaks.admitted(name, unit, spec, nowNanos, amount);
    }

    SandboxStats snapshot() {
        Counters s = c;
        return new SandboxStats(
                s.requests.sum(),
                s.admitted.sum(),
                s.servedOk.sum(),
                s.rateLimited.sum(),
                s.early.sum(),
                s.unauthorized.sum(),
                s.badRequests.sum(),
                sums(s.faults),
                s.duplicates.sum(),
                s.events.sum(),
                sums(s.partitions),
                s.first.get(),
                s.last.get(),
                s.lastAnswered.get(),
                new TreeMap<>(sums(s.perSecond)),
                records.get(),
                s.oauth.snapshot(),
                s.peaks.snapshot());
    }

    private static <K> Map<K, Long> sums(Map<K, LongAdder> counters) {
        Map<K, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder admitted = new LongAdder();
        final LongAdder servedOk = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final LongAdder early = new LongAdder();
        final LongAdder unauthorized = new LongAdder();
        final LongAdder badRequests = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder events = new LongAdder();
        final Map<String, LongAdder> faults = new ConcurrentHashMap<>();
        final Map<String, LongAdder> partitions = new ConcurrentHashMap<>();
        final Map<Long, LongAdder> perSecond = new ConcurrentSkipListMap<>();
        final AtomicReference<Instant> first = new AtomicReference<>();
        final AtomicReference<Instant> last = new AtomicReference<>();
        final AtomicReference<Instant> lastAnswered = new AtomicReference<>();
        final OAuthCounters oauth = new OAuthCounters();
        final LimitPeaks peaks = new LimitPeaks();
    }
}
