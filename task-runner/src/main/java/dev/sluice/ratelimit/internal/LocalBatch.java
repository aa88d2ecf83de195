package dev.sluice.ratelimit.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * One limit's permits in this process, counted in units (a call of cost k uses k): a batch taken in
 * one round trip, usable within a window that ends no later than the database's deadline for it
 * (the local window ends the deadline's distance from the statement's start after the moment the
 * request left, so it errs early). Not thread-safe: callers hold a lock.
 *
 * <p>How many units to ask for adapts to this process's demand: a batch used up before its
 * deadline doubles the next request (up to {@link #MAX_WANT} times the largest cost seen); units
 * left when it expires cut the next request to what was used; a batch used up long before the next
 * call halves it. So a process calling slowly asks for one call's cost at a time and never hoards
 * what others need.
 *
 * <p>A call that costs more than the units left tops the batch up: the units left stay, the new
 * ones join them, and all of them are used only within both windows (the later start, the earlier
 * end), so each unit is still used within its own grant's window. When the windows do not meet (a
 * reserved top-up usable only after the units left expire), the units left are dropped: unused
 * budget, never an extra call.
 *
 * <p>Units dropped unused are remembered ({@link #takeDropped}) until the next take, which hands
 * them back to the limit's quotas in the same statement (V10): a quota's unit is scarce for its
 * whole period, and a late waker would otherwise lose it.
 */
public final class LocalBatch {
    static final int MAX_WANT = 1024;

    private int want = 1;
    private int largestNeed = 1;
    private int left;
    private int used;
    private long usableFrom;
    private long expires;
    private Instant deadline;
    private Instant grantedAt; // database time of the earliest grant among the units left
    private int dropped;
    private Instant droppedGrantedAt;

    /** Units dropped unused since the last take, and the database time the earliest of them was granted. */
    public record Dropped(int units, Instant grantedAt) {
        public static final Dropped NONE = new Dropped(0, null);
    }

    /** True when {@code need} units of this batch may be used at {@code now} (a local {@link System#nanoTime()}). */
    public boolean usable(long now, int need) {
        return left >= need && now >= usableFrom && now <= expires;
    }

    /** How long until the batch's units become usable (reserved ones), or zero. */
    public Duration untilUsable(long now, int need) {
        return left >= need && now < usableFrom && now <= expires ? Duration.ofNanos(usableFrom - now) : Duration.ZERO;
    }

    /** Units held, usable or reserved. */
    public int left() {
        return left;
    }

    /** Uses {@code units} (call only when {@link #usable}). */
    public void use(int units) {
        left -= units;
        used += units;
    }

    /**
     * Says how many units to ask for so that a call of {@code need} can go: drops what this batch
     * cannot serve any more (expired, or not yet usable and too few), keeps units still usable, and
     * adapts to demand. The answer is at least what the call still lacks.
     */
    public int want(long now, int need) {
        largestNeed = Math.max(largestNeed, need);
        boolean live = left > 0 && now >= usableFrom && now <= expires;
        if (live) {
            return Math.max(need - left, Math.min(want, MAX_WANT * largestNeed) - left);
        }
        if (left > 0) {
            want = Math.max(1, used); // expired with units left: ask for what was used
            drop();
        } else if (used > 0 && now <= expires) {
            want = (int) Math.min((long) MAX_WANT * largestNeed, want * 2L); // used up within its window
        } else if (used > 0) {
            want = Math.max(1, want / 2);
        }
        left = 0;
        used = 0;
        return Math.max(want, need);
    }

    /** The units a call of {@code need} still lacks at {@code now} (after {@link #want}). */
    public int lacking(long now, int need) {
        boolean live = left > 0 && now >= usableFrom && now <= expires;
        return live ? Math.max(1, need - left) : need;
    }

    /**
     * A fresh batch from the database, joined to the units still left (see the class comment).
     *
     * @param sent     local time just before the request left (its window ends by then + the database's)
     * @param received local time just after the answer came (its window starts no earlier)
     */
    public void fill(LimitRows.Take take, int granted, long sent, long received) {
        long from = received + nanos(take.dbNow(), take.usableAt());
        // the statement began after the request left; counting from its start rather than from the
        // decision keeps the wait for the row's lock (contention) out of the margin
        long until = sent + nanos(take.dbStarted(), take.usableUntil());
        if (left > 0 && Math.max(from, usableFrom) <= Math.min(until, expires)) {
            left += granted;
            usableFrom = Math.max(from, usableFrom);
            expires = Math.min(until, expires);
            deadline = deadline.isBefore(take.usableUntil()) ? deadline : take.usableUntil();
            grantedAt = earlier(grantedAt, take.dbNow());
            return;
        }
        drop();
        grantedAt = take.dbNow();
        left = granted;
        used = 0;
        usableFrom = from;
        expires = until;
        deadline = take.usableUntil();
    }

    /**
     * The units dropped unused since the last call, then none: the caller hands them back in its
     * next take, and only once (a hand-back lost with a failed statement is unused budget; sent
     * twice, it would let a quota admit more than its amount).
     */
    public Dropped takeDropped() {
        Dropped back = dropped == 0 ? Dropped.NONE : new Dropped(dropped, droppedGrantedAt);
        dropped = 0;
        droppedGrantedAt = null;
        return back;
    }

    private void drop() {
        if (left > 0) {
            dropped += left;
            droppedGrantedAt = earlier(droppedGrantedAt, grantedAt);
            left = 0;
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    /** Units that can still be handed back at {@code now} (usable now, not used), then none. */
    public int surrender(long now) {
        int back = left > 0 && now >= usableFrom && now <= expires ? left : 0;
        left = 0;
        return back;
    }

    /** The database deadline of the current batch. */
    public Instant deadline() {
        return deadline;
    }

    private static long nanos(Instant from, Instant to) {
        return Duration.between(from, to).toNanos();
    }
}
