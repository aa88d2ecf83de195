package dev.sluice.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Each limit's recent calls per second against its limit: what the page's chart draws and
 * {@code /api/limits/{name}/series} serves. {@link dev.sluice.admin.internal.RecordedSeries} reads
 * it from the per-second series the runners write ({@code sluice_limit_series}, see
 * {@link dev.sluice.history.LimitViews}).
 */
public interface LimitSeries {
    /**
     * One second of a limit, every process together.
     *
     * @param at             the second's start
     * @param calls          requests sent under the limit, retries included
     * @param permits        permits the database handed out
     * @param http429        calls answered 429
     * @param permitWaitMs   time spent waiting for permits, summed
     * @param limitPerSecond the limit's first rate (or quota) per second, as configured now
     */
    record Point(
            Instant at,
            long calls,
            long permits,
            @JsonProperty("http_429") long http429,
            double permitWaitMs,
            double limitPerSecond) {}

    /** The seconds of {@code limit} within the last {@code window}, oldest first, a point for each second. */
    List<Point> recent(String limit, Duration window);
}
