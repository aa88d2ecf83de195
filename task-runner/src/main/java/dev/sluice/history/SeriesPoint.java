package dev.sluice.history;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One second of one limit's history, every process together ({@code sluice_limit_series}), or a
 * sum over a window ({@link LimitViews#totals}). Stable API.
 *
 * @param limit           the limit
 * @param second          the second's start (or the window's start, for a sum)
 * @param permits         permits the database handed out (in batches; unused ones may go back)
 * @param calls           requests sent under the limit, retries included
 * @param http429         of which answered 429
 * @param permitWaitMs    waits for permits, summed
 * @param permitWaitMaxMs the longest single wait
 */
public record SeriesPoint(
        String limit,
        Instant second,
        long permits,
        long calls,
        @JsonProperty("http_429") long http429,
        double permitWaitMs,
        double permitWaitMaxMs) {}
