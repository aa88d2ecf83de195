package dev.sluice.history.internal;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One limit's counts per second, not yet written: a ring of per-second slots, each field one word
 * that holds the slot's second (its low {@value #TAG_BITS} bits, the tag) above its count. Counting
 * is on the path of every call, so it takes no lock and allocates nothing: one compare-and-set of
 * the word, which succeeds only while the word's tag is the caller's second. That makes the check
 * and the add one atomic step: a thread that read the clock, stalled, and finds its slot taken by a
 * later second cannot add to that second; it counts under the lock instead, in its own second.
 *
 * <p>The lock is taken once per second per limit (by the first count of a new second, which
 * retags the slot and moves what the slot still held to {@code closed}), by counts that do not fit
 * a word, and by {@link #drainInto}. Draining swaps each word for its tag alone (one atomic
 * getAndSet), so an add that lands after the drain stays in the slot for the next drain: never
 * lost, never taken twice.
 */
public final class SecondRing {
    static final int PERMITS = 0;
    static final int CALLS = 1;
    static final int HTTP_429 = 2;
    static final int WAIT_NANOS = 3;
    static final int WAIT_MAX_NANOS = 4; // a maximum, not a sum
    private static final int FIELDS = 5;
    private static final int SLOTS = 8; // a power of two; a slot is retagged every SLOTS seconds
    static final int TAG_BITS = 24;
    private static final int VALUE_BITS = Long.SIZE - TAG_BITS;
    private static final long VALUE_MASK = (1L << VALUE_BITS) - 1; // 1.1e12: a count, or 18 min of nanos
    private static final long TAG_MASK = (1L << TAG_BITS) - 1;

    private final String limit;
    // AtomicLong, not AtomicLongArray: under C1 alone (the launcher's -XX:TieredStopAtLevel=1) its
    // compare-and-set is an intrinsic, the array's VarHandle costs about 13 ns more per count.
    private final AtomicLong[] words = new AtomicLong[SLOTS * FIELDS];
    private final long[] seconds = new long[SLOTS]; // each slot's second; written only under the lock
    private final TreeMap<Long, SecondBuckets.Counts> closed = new TreeMap<>(); // under the lock

    SecondRing(String limit) {
        this.limit = limit;
        Arrays.fill(seconds, Long.MIN_VALUE);
        Arrays.setAll(words, i -> new AtomicLong());
    }

    /** The database handed {@code granted} permits in {@code second}. */
    public void permits(long second, int granted) {
        add(PERMITS, second, granted);
    }

    /** A request went out in {@code second}. */
    public void call(long second) {
        add(CALLS, second, 1);
    }

    /** A request was answered 429 in {@code second}. */
    public void rateLimited(long second) {
        add(HTTP_429, second, 1);
    }

    /** A call that waited {@code nanos} (> 0) for its permits got them in {@code second}. */
    public void waited(long second, long nanos) {
        add(WAIT_NANOS, second, nanos);
        add(WAIT_MAX_NANOS, second, nanos);
    }

    /** Adds {@code delta} (≥ 0) to {@code field} of {@code second}; for {@link #WAIT_MAX_NANOS}, raises the maximum. */
    private void add(int field, long second, long delta) {
        if (!tryAdd(field, second, delta)) {
            addLocked(field, second, delta);
        }
    }

    /** The lock-free path: false when the slot holds another second, or the result would not fit. */
    private boolean tryAdd(int field, long second, long delta) {
        int i = (int) (second & (SLOTS - 1)) * FIELDS + field;
        long tag = (second & TAG_MASK) << VALUE_BITS;
        AtomicLong word = words[i];
        long v = word.get();
        while ((v & ~VALUE_MASK) == tag && delta <= VALUE_MASK - (v & VALUE_MASK)) {
            long next = field != WAIT_MAX_NANOS ? v + delta : tag | Math.max(v & VALUE_MASK, delta);
            if (next == v || word.compareAndSet(v, next)) {
                return true;
            }
            v = word.get();
        }
        return false;
    }

    /** A new second (retag its slot first), a stalled thread's old second, or a count too big for a word. */
    private synchronized void addLocked(int field, long second, long delta) {
        int slot = (int) (second & (SLOTS - 1));
        if (second > seconds[slot]) {
            retag(slot, second);
        }
        if (second != seconds[slot] || !tryAdd(field, second, delta)) {
            closed.computeIfAbsent(second, s -> new SecondBuckets.Counts()).add(field, delta);
        }
    }

    /** Moves the slot's counts to {@code closed} and tags its words with {@code second}. Under the lock. */
    private void retag(int slot, long second) {
        long old = seconds[slot];
        long tag = (second & TAG_MASK) << VALUE_BITS;
        for (int field = 0; field < FIELDS; field++) {
            long taken = take(slot * FIELDS + field, tag);
            if (taken != 0) {
                closed.computeIfAbsent(old, s -> new SecondBuckets.Counts()).add(field, taken);
            }
        }
        seconds[slot] = second;
    }

    /** Sets the word to {@code tag} with a count of 0, returning the count it had. */
    private long take(int i, long tag) {
        return words[i].getAndSet(tag) & VALUE_MASK;
    }

    /**
     * Moves every count of a second before {@code before} into {@code out} (keyed by limit and
     * second, adding to what is there); {@code Long.MAX_VALUE} takes the current second too.
     */
    synchronized void drainInto(Map<SecondBuckets.Key, SecondBuckets.Counts> out, long before) {
        for (int slot = 0; slot < SLOTS; slot++) {
            long second = seconds[slot];
            if (second == Long.MIN_VALUE || second >= before) {
                continue;
            }
            long tag = (second & TAG_MASK) << VALUE_BITS;
            for (int field = 0; field < FIELDS; field++) {
                long taken = take(slot * FIELDS + field, tag);
                if (taken != 0) {
                    countsOf(out, second).add(field, taken);
                }
            }
        }
        closed.forEach((second, counts) -> countsOf(out, second).add(counts));
        closed.clear();
    }

    /** Puts drained counts back (their write failed), adding to anything counted meanwhile. */
    synchronized void restore(long second, SecondBuckets.Counts counts) {
        closed.computeIfAbsent(second, s -> new SecondBuckets.Counts()).add(counts);
    }

    private SecondBuckets.Counts countsOf(Map<SecondBuckets.Key, SecondBuckets.Counts> out, long second) {
        return out.computeIfAbsent(new SecondBuckets.Key(limit, second), k -> new SecondBuckets.Counts());
    }
}
