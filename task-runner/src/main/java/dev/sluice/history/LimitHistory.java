package dev.sluice.history;

import dev.sluice.history.internal.SecondBuckets;
import dev.sluice.history.internal.SeriesRows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;

/**
 * This process's share of the per-limit time series ({@code sluice_limit_series}): permits the
 * database handed out, calls, 429s and permit waits, counted per limit and second in memory and
 * written every {@link HistorySettings#flushEvery()} with one upsert that adds to what other
 * processes wrote for the same seconds, and once more at {@link #close()} (the end of a run, also
 * after SIGTERM). A SIGKILL loses at most the seconds since the last write. Rows older than the
 * retention are deleted by the first write of each process and every 10 minutes after.
 */
public final class LimitHistory implements AutoCloseable {
    static final Duration PRUNE_EVERY = Duration.ofMinutes(10);

    private final SecondBuckets seconds = new SecondBuckets();
    private final SeriesRows rows;
    private final HistorySettings settings;
    private final Clock clock;
    private final Consumer<String> warnings;
    private final ScheduledExecutorService timer;
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
        this.timer = rows == null
                ? null
                : Executors.newSingleThreadScheduledExecutor(
                        Thread.ofVirtual().name("sluice-history").factory());
        if (timer != null) {
            long every = settings.flushEvery().toMillis();
            timer.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
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
        List<String> names = List.copyOf(limits);
        return new Recorder() {
            @Override
            public void permits(String limit, int granted) {
                seconds.permits(limit, now(), granted);
            }

            @Override
            public void call() {
                long now = now();
                for (String n : names) {
                    seconds.call(n, now);
                }
            }

            @Override
            public void rateLimited() {
                long now = now();
                for (String n : names) {
                    seconds.rateLimited(n, now);
                }
            }

            @Override
            public void waited(long nanos) {
                if (nanos <= 0) {
                    return; // adds nothing to a second's wait or its maximum: most batched permits
                }
                long now = now();
                double millis = nanos / 1e6;
                for (String n : names) {
                    seconds.waited(n, now, millis);
                }
            }
        };
    }

    private long now() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    /** Writes every second counted so far (one round trip), and prunes when it is time. */
    public synchronized void flush() {
        if (rows == null) {
            return;
        }
        SortedMap<SecondBuckets.Key, SecondBuckets.Counts> drained = seconds.drain();
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

    private void flushQuietly() {
        try {
            flush();
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
        flushQuietly();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
