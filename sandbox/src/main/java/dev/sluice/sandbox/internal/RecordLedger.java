package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.RecordReport;
import dev.sluice.sandbox.RecordStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The per-record world state: each record's effects and what its requests saw, and the idempotency
 * keys of the enrich endpoint with the application each one stands for. Unlike the stats it
 * survives a stats reset; {@link #reset()} starts a fresh world.
 *
 * <p>A key maps to its first application (record, body hash, sequence, time), not to stored bytes:
 * a replay re-renders that application, so memory grows with keys and records, not with bodies.
 */
final class RecordLedger {
    private volatile Book book = new Book();

    /** What an enrich request did: applied the effect, replayed an earlier application, or refused a reused key. */
    record Application(Kind kind, long seq, long appliedAtMillis) {
        enum Kind {
            APPLIED,
            REPLAYED,
            REUSED
        }
    }

    private record KeyUse(String id, long bodyHash, long seq, long appliedAtMillis) {}

    /**
     * Applies {@code id}'s effect unless {@code honour} and {@code key} was acted on before: then
     * the same body for the same id replays that application and anything else is a reuse.
     * Atomic per record: concurrent requests with one key apply once.
     *
     * @param key null when the request carried none: it always applies
     */
    Application enrich(String id, String key, long bodyHash, boolean honour, long nowMillis) {
        Book b = book;
        RecordTruth r = b.truth(id);
        synchronized (r) {
            long seq = b.seq.incrementAndGet();
            KeyUse prior = key == null ? null : b.keys.putIfAbsent(key, new KeyUse(id, bodyHash, seq, nowMillis));
            if (key != null && prior == null) {
                r.newKey(key);
            }
            if (prior == null || !honour) {
                if (prior != null) {
                    duplicate(b, r, false, false);
                }
                return apply(b, r, seq, nowMillis);
            }
            boolean same = prior.id().equals(id) && prior.bodyHash() == bodyHash;
            duplicate(b, r, same, !same);
            return same
                    ? new Application(Application.Kind.REPLAYED, prior.seq(), prior.appliedAtMillis())
                    : new Application(Application.Kind.REUSED, 0, 0);
        }
    }

    /** {@code id}'s first application, or null if its effect was never applied. */
    Application firstApplication(String id) {
        RecordTruth r = book.records.get(id);
        if (r == null) {
            return null;
        }
        synchronized (r) {
            long seq = r.firstSeq();
            return seq < 0 ? null : new Application(Application.Kind.APPLIED, seq, r.firstAppliedMillis());
        }
    }

    void observe(String id, RecordEndpoint endpoint, int status, String traceparent) {
        Book b = book;
        int code = endpoint.code(status);
        b.truth(id).observe(code, traceparent);
        b.requests.increment();
        b.byStatus.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void poisoned(String id) {
        Book b = book;
        b.truth(id).poisoned();
        b.poisoned.increment();
    }

    void malformed(String id) {
        Book b = book;
        b.truth(id).malformed();
        b.malformed.increment();
    }

    RecordReport report(String id) {
        RecordTruth r = book.records.get(id);
        return (r == null ? new RecordTruth() : r).report(id);
    }

    /** Ids whose effect was applied twice or more, sorted, at most {@code limit}. */
    List<String> appliedTwice(int limit) {
        return book.records.entrySet().stream()
                .filter(e -> e.getValue().effects() >= 2)
                .map(Map.Entry::getKey)
                .sorted()
                .limit(limit)
                .toList();
    }

    RecordStats summary() {
        Book b = book;
        Map<String, Map<Integer, Long>> byStatus = new TreeMap<>();
        b.byStatus.forEach(
                (code, n) -> byStatus.computeIfAbsent(RecordEndpoint.of(code).label(), k -> new TreeMap<>())
                        .put(code % 1000, n.sum()));
        return new RecordStats(
                b.records.size(),
                b.requests.sum(),
                byStatus,
                b.effects.sum(),
                b.recordsApplied.sum(),
                b.recordsAppliedTwice.sum(),
                b.extraEffects.sum(),
                b.duplicateKeys.sum(),
                b.replays.sum(),
                b.keysReused.sum(),
                b.poisoned.sum(),
                b.malformed.sum());
    }

    /** Forgets every record and key. */
    void reset() {
        book = new Book();
    }

    private static Application apply(Book b, RecordTruth r, long seq, long nowMillis) {
        int effects = r.apply(seq, nowMillis);
        b.effects.increment();
        if (effects == 1) {
            b.recordsApplied.increment();
        } else {
            b.extraEffects.increment();
        }
        if (effects == 2) {
            b.recordsAppliedTwice.increment();
        }
        return new Application(Application.Kind.APPLIED, seq, nowMillis);
    }

    private static void duplicate(Book b, RecordTruth r, boolean replayed, boolean reused) {
        r.duplicateKey(replayed, reused);
        b.duplicateKeys.increment();
        if (replayed) {
            b.replays.increment();
        }
        if (reused) {
            b.keysReused.increment();
        }
    }

    private static final class Book {
        final Map<String, RecordTruth> records = new ConcurrentHashMap<>();
        final Map<String, KeyUse> keys = new ConcurrentHashMap<>();
        final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        final AtomicLong seq = new AtomicLong();
        final LongAdder requests = new LongAdder();
        final LongAdder effects = new LongAdder();
        final LongAdder recordsApplied = new LongAdder();
        final LongAdder recordsAppliedTwice = new LongAdder();
        final LongAdder extraEffects = new LongAdder();
        final LongAdder duplicateKeys = new LongAdder();
        final LongAdder replays = new LongAdder();
        final LongAdder keysReused = new LongAdder();
        final LongAdder poisoned = new LongAdder();
        final LongAdder malformed = new LongAdder();

        RecordTruth truth(String id) {
            return records.computeIfAbsent(id, k -> new RecordTruth());
        }
    }
}
