package dev.sluice.history.internal;

import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This process's counts per limit and second, not yet written. Counting is on the path of every
 * call, so it allocates nothing in the common case: each limit has one slot for its current second,
 * updated under that slot's (uncontended) lock. When a count arrives for another second, the slot's
 * second moves to {@code closed}; {@link #drain()} moves every slot there too and removes each
 * second atomically, so a count is either in what it returns or stays for the next drain, never
 * lost between the two.
 */
public final class SecondBuckets {
    /** A limit's second: epoch seconds of the writing process's clock. */
    public record Key(String limit, long second) {
        static final Comparator<Key> ORDER = Comparator.comparing(Key::limit).thenComparingLong(Key::second);
    }

    /** What happened in one second; mutated only under its slot's lock or inside {@code merge}. */
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

    /** One limit's current second. */
    private static final class Slot {
        private final String limit;
        private long second;
        private Counts counts;

        Slot(String limit) {
            this.limit = limit;
        }
    }

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, Counts> closed = new ConcurrentHashMap<>();

    public void permits(String limit, long second, int granted) {
        Slot slot = slot(limit);
        synchronized (slot) {
            countsAt(slot, second).permits += granted;
        }
    }

    public void call(String limit, long second) {
        Slot slot = slot(limit);
        synchronized (slot) {
            countsAt(slot, second).calls++;
        }
    }

    public void rateLimited(String limit, long second) {
        Slot slot = slot(limit);
        synchronized (slot) {
            countsAt(slot, second).http429++;
        }
    }

    public void waited(String limit, long second, double millis) {
        Slot slot = slot(limit);
        synchronized (slot) {
            Counts counts = countsAt(slot, second);
            counts.waitMs += millis;
            counts.waitMaxMs = Math.max(counts.waitMaxMs, millis);
        }
    }

    private Slot slot(String limit) {
        Slot slot = slots.get(limit);
        return slot != null ? slot : slots.computeIfAbsent(limit, Slot::new);
    }

    /** The slot's counts for {@code second}; another second's counts move to {@code closed}. Under the slot's lock. */
    private Counts countsAt(Slot slot, long second) {
        if (slot.counts == null || slot.second != second) {
            close(slot);
            slot.second = second;
            slot.counts = new Counts();
        }
        return slot.counts;
    }

    /** Moves the slot's second to {@code closed}, adding to what is there. Under the slot's lock. */
    private void close(Slot slot) {
        if (slot.counts != null) {
            closed.merge(new Key(slot.limit, slot.second), slot.counts, (a, b) -> {
                a.add(b);
                return a;
            });
            slot.counts = null;
        }
    }

    /** Removes and returns every second counted so far, in a stable order (limit, then second). */
    public SortedMap<Key, Counts> drain() {
        for (Slot slot : slots.values()) {
            synchronized (slot) {
                close(slot);
            }
        }
        SortedMap<Key, Counts> out = new TreeMap<>(Key.ORDER);
        for (Key key : closed.keySet()) {
            Counts counts = closed.remove(key);
            if (counts != null) {
                out.put(key, counts);
            }
        }
        return out;
    }

    /** Puts drained seconds back (a write failed), adding to anything counted meanwhile. */
    public void restore(Map<Key, Counts> drained) {
        drained.forEach((key, counts) -> closed.merge(key, counts, (a, b) -> {
            a.add(b);
            return a;
        }));
    }

    public boolean isEmpty() {
        if (!closed.isEmpty()) {
            return false;
        }
        for (Slot slot : slots.values()) {
            synchronized (slot) {
                if (slot.counts != null) {
                    return false;
                }
            }
        }
        return true;
    }
}
