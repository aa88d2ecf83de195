package dev.sluice.history;

import dev.sluice.history.internal.SecondBuckets;
import dev.sluice.history.internal.SecondRing;
import dev.sluice.history.internal.SeriesRows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/**
 * This process's share of the per-limit time series ({@code sluice_limit_series}): permits the
 * database handed out, calls, 429s and permit waits, counted per limit and second in memory
 * (without a lock or an allocation: see {@code SecondRing}) and written every {@link
 * HistorySettings#flushEvery()}, the seconds completed so far, with one upsert that adds to what
 * other processes wrote for the same seconds, and once more at {@link #close()}, the current second
 * included (the end of a run, also after SIGTERM). A SIGKILL loses at most the seconds since the
 * last write. Rows older than the retention are deleted by the first write of each process and
 * every 10 minutes after.
 */
public final class LimitHistory implements AutoCloseable {
    static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

    private final SecondBuckets seconds = new SecondBuckets();
    private final SeriesRows rows;
    private final HistorySettings settings;
    private final Clock clock;
    private final Consumer<String> warnings;
    private final ScheduledThreadPoolExecutor timer;
    private final Object ticking = new Object();
    private volatile long second; // the clock's second at the last tick
    private Instant nextPrune = Instant.MIN;

    /** What a gate tells the history about its calls; all methods are cheap and thread-safe. */
    public interface Recorder {
        Recorder NONE = new Recorder() {};

        /** The database handed {@code granted} permits of {@code limit} to this process. */
        default void permits(String limit, int granted) {}

        /** A request went out under every limit of the gate. */
        default void call() {}

        /** A request was answered 429. */
        default void rateLimited() {}

        /** A call waited {@code nanos} for its permits. */
        default void waited(long nanos) {}
    }

    private LimitHistory(Jdbi jdbi, HistorySettings settings, Clock clock, Consumer<String> warnings) {
        this.rows = jdbi == null ? null : new SeriesRows(jdbi);
        this.settings = settings;
        this.clock = clock;
        this.warnings = warnings;
        this.timer = rows == null ? null : timer();
        if (timer != null) {
            tick();
            long every = settings.flushEvery().toMillis();
            timer.scheduleWithFixedDelay(this::flushCompleted, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Two threads, so that a slow write never holds the clock back; nothing scheduled runs after close. */
    private static ScheduledThreadPoolExecutor timer() {
        var timer = new ScheduledThreadPoolExecutor(
                2, Thread.ofVirtual().name("sluice-history-", 0).factory());
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    /**
     * Reads the clock, and again just after the next second starts. Counting reads {@link #second}
     * instead of the clock: a clock read costs about 0.1 µs on our machines, ten times the count
     * itself. A count made between a second's start and the tick goes to the second before (a
     * millisecond or so, more on a busy machine): it is not lost, only early.
     */
    void tick() {
        long millis;
        synchronized (ticking) { // the tick that reads the clock last writes last
            millis = clock.millis();
            second = Math.floorDiv(millis, 1000);
        }
        try {
            timer.schedule(this::tick, 1001 - Math.floorMod(millis, 1000), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed: the last write is under way, nothing more to count
        }
    }

    /** Records nothing ({@code SLUICE_HISTORY=off}, or commands that make no calls). */
    public static LimitHistory off() {
        return new LimitHistory(null, HistorySettings.DEFAULTS, Clock.systemUTC(), w -> {});
    }

    /**
     * Starts recording into the database {@code jdbi} reaches (or nothing when the settings say off).
     *
     * @param warnings told when a write fails (the counts are kept and written with the next one)
     */
    public static LimitHistory start(Jdbi jdbi, HistorySettings settings, Clock clock, Consumer<String> warnings) {
        return settings.enabled() ? new LimitHistory(jdbi, settings, clock, warnings) : off();
    }

    /** A recorder for a gate whose calls each take a permit of every one of {@code limits}. */
    public Recorder recorder(List<String> limits) {
        if (rows == null || limits.isEmpty()) {
            return Recorder.NONE;
        }
        SecondRing[] rings = limits.stream().map(seconds::ring).toArray(SecondRing[]::new);
        return new Recorder() {
            @Override
            public void permits(String limit, int granted) {
                seconds.ring(limit).permits(now(), granted);
            }

            @Override
            public void call() {
                long now = now();
                for (SecondRing ring : rings) {
                    ring.call(now);
                }
            }

            @Override
            public void rateLimited() {
                long now = now();
                for (SecondRing ring : rings) {
                    ring.rateLimited(now);
                }
            }

            @Override
            public void waited(long nanos) {
                if (nanos <= 0) {
                    return; // adds nothing to a second's wait or its maximum: most batched permits
                }
                long now = now();
                for (SecondRing ring : rings) {
                    ring.waited(now, nanos);
                }
            }
        };
    }

    private long now() {
        return second;
    }

    /** Writes every second counted so far, the current one included (one round trip), and prunes when it is time. */
    public synchronized void flush() {
        flush(Long.MAX_VALUE);
    }

    /**
     * Writes the seconds before {@code before} (and late counts for seconds written before), in
     * one round trip, and prunes when it is time. A count that arrives while this runs is in what
     * it writes or stays for the next write: upserts add, so a second written twice adds up.
     */
    private synchronized void flush(long before) {
        if (rows == null) {
            return;
        }
        SortedMap<SecondBuckets.Key, SecondBuckets.Counts> drained = seconds.drain(before);
        if (!drained.isEmpty()) {
            try {
                rows.add(drained);
            } catch (RuntimeException e) {
                seconds.restore(drained);
                throw e;
            }
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextPrune)) {
            nextPrune = now.plus(PRUNE_EVERY);
            rows.prune(settings.retention());
        }
    }

    /** The timer's write: completed seconds only, so each second is usually one row written once. */
    private void flushCompleted() {
        flushQuietly(() -> flush(now()));
    }

    private void flushQuietly(Runnable flush) {
        try {
            flush.run();
        } catch (RuntimeException e) {
            warnings.accept("could not write the limit history (" + e.getMessage()
                    + "); the counts are kept for the next write");
        }
    }

    /** Stops the timer and writes what is left. */
    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        timer.shutdown();
        boolean interrupted = Thread.interrupted(); // a stop's interrupt must not cost the last write
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        flushQuietly(this::flush);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
