package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.RecordReport;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one record id went through. Kept small, since a test may touch a million ids: counters,
 * status counts packed in a {@code long[]}, and lists that stop growing at a few entries while
 * their totals stay exact. Every method runs under this object's lock.
 */
final class RecordTruth {
    private static final String[] NONE = new String[0];
    private static final long[] NO_COUNTS = new long[0];
    private static final int MAX_TRACEPARENT = 128;

    private int effects;
    private long firstSeq;
    private long firstAppliedMillis;
    private int requests;
    private long[] statuses = NO_COUNTS;
    private String[] keys = NONE;
    private int distinctKeys;
    private int duplicateKeys;
    private int replays;
    private int keysReused;
    private int poisoned;
    private int malformed;
    private String[] traceparents = NONE;
    private int traceparentsSeen;

    /** Applies the effect once more; returns how many times it has been applied now. */
    synchronized int apply(long seq, long nowMillis) {
        if (effects++ == 0) {
            firstSeq = seq;
            firstAppliedMillis = nowMillis;
        }
        return effects;
    }

    /** The first application's sequence number, or -1 if the effect was never applied. */
    synchronized long firstSeq() {
        return effects == 0 ? -1 : firstSeq;
    }

    synchronized long firstAppliedMillis() {
        return firstAppliedMillis;
    }

    synchronized void newKey(String key) {
        distinctKeys++;
        if (keys.length < RecordReport.KEPT_KEYS) {
            keys = append(keys, key);
        }
    }

    synchronized void duplicateKey(boolean replayed, boolean reused) {
        duplicateKeys++;
        replays += replayed ? 1 : 0;
        keysReused += reused ? 1 : 0;
    }

    synchronized void poisoned() {
        poisoned++;
    }

    synchronized void malformed() {
        malformed++;
    }

    /** Counts one answered request under {@code code} (endpoint * 1000 + status). */
    synchronized void observe(int code, String traceparent) {
        requests++;
        count(code);
        if (traceparent != null) {
            traceparentsSeen++;
            if (traceparents.length < RecordReport.KEPT_TRACEPARENTS) {
                String kept = traceparent.length() > MAX_TRACEPARENT
                        ? traceparent.substring(0, MAX_TRACEPARENT)
                        : traceparent;
                traceparents = append(traceparents, kept);
            }
        }
    }

    synchronized RecordReport report(String id) {
        return new RecordReport(
                id,
                effects,
                effects == 0 ? null : Instant.ofEpochMilli(firstAppliedMillis),
                requests,
                byStatus(),
                List.of(keys),
                distinctKeys,
                duplicateKeys,
                replays,
                keysReused,
                poisoned,
                malformed,
                List.of(traceparents),
                traceparentsSeen);
    }

    synchronized int effects() {
        return effects;
    }

    private void count(int code) {
        for (int i = 0; i < statuses.length; i++) {
            if ((int) (statuses[i] >>> 32) == code) {
                statuses[i]++;
                return;
            }
        }
        statuses = Arrays.copyOf(statuses, statuses.length + 1);
        statuses[statuses.length - 1] = ((long) code << 32) | 1;
    }

    private Map<String, Map<Integer, Long>> byStatus() {
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        for (long packed : statuses) {
            int code = (int) (packed >>> 32);
            out.computeIfAbsent(RecordEndpoint.of(code).label(), k -> new TreeMap<>())
                    .put(code % 1000, packed & 0xFFFFFFFFL);
        }
        return out;
    }

    private static String[] append(String[] items, String item) {
        String[] out = Arrays.copyOf(items, items.length + 1);
        out[items.length] = item;
        return out;
    }
}
