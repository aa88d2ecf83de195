package dev.sluice.ratelimit.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * One limit's permits in this process: a batch taken in one round trip, usable within a window
 * that ends no later than the database's deadline for it (the local window ends the deadline's
 * distance from the statement's start after the moment the request left, so it errs early).
 * Not thread-safe: callers hold a lock.
 *
 * <p>How many permits to ask for adapts to this process's demand: a batch used up before its
 * deadline doubles the next request (up to {@link #MAX_WANT}); permits left when it expires cut
 * the next request to what was used; a batch used up long before the next call halves it. So a
 * process calling slowly asks for one at a time and never hoards what others need.
 */
public final class LocalBatch {
    static final int MAX_WANT = 1024;

    private int want = 1;
    private int left;
    private int used;
    private long usableFrom;
    private long expires;
    private Instant deadline;

    /** True when a permit of this batch may be used at {@code now} (a local {@link System#nanoTime()}). */
    public boolean usable(long now) {
        return left > 0 && now >= usableFrom && now <= expires;
    }

    /** How long until the batch's next permit becomes usable (a reserved one), or zero. */
    public Duration untilUsable(long now) {
        return left > 0 && now < usableFrom && now <= expires ? Duration.ofNanos(usableFrom - now) : Duration.ZERO;
    }

    /** Uses one permit (call only when {@link #usable}). */
    public void use() {
        left--;
        used++;
    }

    /** Drops what this batch cannot serve and says how many permits to ask for next; adapts to demand. */
    public int want(long now) {
        if (left > 0) {
            want = Math.max(1, used); // expired with permits left: ask for what was used
        } else if (used > 0 && now <= expires) {
            want = Math.min(MAX_WANT, want * 2); // used up within its window: demand outpaces it
        } else if (used > 0) {
            want = Math.max(1, want / 2);
        }
        left = 0;
        used = 0;
        return want;
    }

    /**
     * A fresh batch from the database.
     *
     * @param sent     local time just before the request left (its window ends by then + the database's)
     * @param received local time just after the answer came (its window starts no earlier)
     */
    public void fill(LimitRows.Take take, long sent, long received) {
        left = take.granted();
        used = 0;
        usableFrom = received + nanos(take.dbNow(), take.usableAt());
        // the statement began after the request left; counting from its start rather than from the
        // decision keeps the wait for the row's lock (contention) out of the margin
        expires = sent + nanos(take.dbStarted(), take.usableUntil());
        deadline = take.usableUntil();
    }

    /** Permits that can still be handed back at {@code now} (usable now, not used), then none. */
    public int surrender(long now) {
        int back = usable(now) ? left : 0;
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
