package dev.sluice.history.internal;

import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's counts per limit and second, not yet written: one {@link SecondRing} per limit,
 * which counts without a lock or an allocation. {@link #drain} takes what the rings hold, so a count
 * is either in what it returns or stays for the next drain, never lost between the two.
 */
public final class SecondBuckets {
    /** A limit's second: epoch seconds of the writing process's clock. */
    public record Key(String limit, long second) {
        static final Comparator<Key> ORDER = Comparator.comparing(Key::limit).thenComparingLong(Key::second);
    }

    /** What happened in one second; mutated only under its ring's lock, or by the drain that owns it. */
    public static final class Counts {
        public long permits;
        public long calls;
        public long http429;
        public long waitNanos;
        public long waitMaxNanos;

        void add(int field, long delta) {
            switch (field) {
                case SecondRing.PERMITS -> permits += delta;
                case SecondRing.CALLS -> calls += delta;
                case SecondRing.HTTP_429 -> http429 += delta;
                case SecondRing.WAIT_NANOS -> waitNanos += delta;
                default -> waitMaxNanos = Math.max(waitMaxNanos, delta);
            }
        }

        void add(Counts other) {
            permits += other.permits;
            calls += other.calls;
            http429 += other.http429;
            waitNanos += other.waitNanos;
            waitMaxNanos = Math.max(waitMaxNanos, other.waitMaxNanos);
        }
    }

    private final ConcurrentHashMap<String, SecondRing> rings = new ConcurrentHashMap<>();

    /** The ring that counts {@code limit}'s seconds; callers keep it, so counting looks nothing up. */
    public SecondRing ring(String limit) {
        SecondRing ring = rings.get(limit);
        return ring != null ? ring : rings.computeIfAbsent(limit, SecondRing::new);
    }

    /**
     * Removes and returns every second before {@code before} counted so far, and whatever counts
     * came late for a second already drained ({@code Long.MAX_VALUE}: every second), in a stable
     * order (limit, then second).
     */
    public SortedMap<Key, Counts> drain(long before) {
        SortedMap<Key, Counts> out = new TreeMap<>(Key.ORDER);
        for (SecondRing ring : rings.values()) {
            ring.drainInto(out, before);
        }
        return out;
    }

    /** Puts drained seconds back (a write failed), adding to anything counted meanwhile. */
    public void restore(Map<Key, Counts> drained) {
        drained.forEach((key, counts) -> ring(key.limit()).restore(key.second(), counts));
    }
}
