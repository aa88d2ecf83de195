package dev.sluice.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Each limit's recent call rate against its limit, what the page's chart draws and
 * {@code /api/limits/{name}/series} serves. An interface so the source can change: today
 * {@link dev.sluice.admin.internal.BucketSampler} derives it from the bucket rows the server
 * samples; a per-limit series written by the runners themselves can replace it without touching
 * the routes or the page.
 */
public interface LimitSeries extends AutoCloseable {
    /**
     * One point of a limit's series.
     *
     * @param at                the end of the interval
     * @param permitsPerSecond  permits granted per second over the interval (every process together)
     * @param limitPerSecond    the limit's first rate (or quota) per second at that time
     * @param paused            whether the limit was paused (an API's Retry-After, or by hand)
     */
    record Point(Instant at, double permitsPerSecond, double limitPerSecond, boolean paused) {}

    /** The points of {@code limit} within the last {@code window}, oldest first; empty for an unknown limit. */
    List<Point> recent(String limit, Duration window);

    @Override
    void close();
}
