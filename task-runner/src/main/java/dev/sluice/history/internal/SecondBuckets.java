package dev.sluice.history.internal;

import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's counts per limit and second, not yet written. Adding costs one
 * {@link ConcurrentHashMap#compute} (a lock on one bin, uncontended unless two threads count the
 * same limit in the same second); {@link #drain()} removes each second atomically, so a count is
 * either in what it returns or stays for the next drain, never lost between the two.
 */
public final class SecondBuckets {
    /** A limit's second: epoch seconds of the writing process's clock. */
    public record Key(String limit, long second) {
        static final Comparator<Key> ORDER = Comparator.comparing(Key::limit).thenComparingLong(Key::second);
    }

    /** What happened in one second; mutated only inside {@code compute}, read after removal. */
    public static final class Counts {
        public long permits;
        public long calls;
        public long http429;
        public double waitMs;
        public double waitMaxMs;

        void add(Counts other) {
            permits += other.permits;
            calls += other.calls;
            http429 += other.http429;
            waitMs += other.waitMs;
            waitMaxMs = Math.max(waitMaxMs, other.waitMaxMs);
        }
    }

    private final ConcurrentHashMap<Key, Counts> open = new ConcurrentHashMap<>();

    public void permits(String limit, long second, int granted) {
        open.compute(new Key(limit, second), (k, c) -> {
            Counts counts = c == null ? new Counts() : c;
            counts.permits += granted;
            return counts;
        });
    }

    public void call(String limit, long second) {
        open.compute(new Key(limit, second), (k, c) -> {
            Counts counts = c == null ? new Counts() : c;
            counts.calls++;
            return counts;
        });
    }

    public void rateLimited(String limit, long second) {
        open.compute(new Key(limit, second), (k, c) -> {
            Counts counts = c == null ? new Counts() : c;
            counts.http429++;
            return counts;
        });
    }

    public void waited(String limit, long second, double millis) {
        open.compute(new Key(limit, second), (k, c) -> {
            Counts counts = c == null ? new Counts() : c;
            counts.waitMs += millis;
            counts.waitMaxMs = Math.max(counts.waitMaxMs, millis);
            return counts;
        });
    }

    /** Removes and returns every second counted so far, in a stable order (limit, then second). */
    public SortedMap<Key, Counts> drain() {
        SortedMap<Key, Counts> out = new TreeMap<>(Key.ORDER);
        for (Key key : open.keySet()) {
            Counts counts = open.remove(key);
            if (counts != null) {
                out.put(key, counts);
            }
        }
        return out;
    }

    /** Puts drained seconds back (a write failed), adding to anything counted meanwhile. */
    public void restore(Map<Key, Counts> drained) {
        drained.forEach((key, counts) -> open.merge(key, counts, (a, b) -> {
            a.add(b);
            return a;
        }));
    }

    public boolean isEmpty() {
        return open.isEmpty();
    }
}
