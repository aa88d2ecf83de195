package dev.sluice.history.internal;

import java.time.Duration;
import java.util.SortedMap;
import org.jdbi.v3.core.Jdbi;

/** {@code sluice_limit_series}: the batched upsert of drained seconds, and the retention's delete. */
public final class SeriesRows {
    // Rows go in (limit, second) order, so two processes flushing the same seconds lock them in the
    // same order and cannot deadlock; on conflict each adds its counts to what is there.
    private static final String UPSERT = """
            INSERT INTO sluice_limit_series AS s
                   (limit_name, bucket_start, permits, calls, http_429, permit_wait_ms, permit_wait_max_ms)
            SELECT n, to_timestamp(sec), p, c, r, w, wm
            FROM unnest(:names, :seconds, :permits, :calls, :rejected, :waits, :maxWaits)
                 WITH ORDINALITY AS u(n, sec, p, c, r, w, wm, i)
            ORDER BY i
            ON CONFLICT (limit_name, bucket_start) DO UPDATE SET
                permits = s.permits + excluded.permits,
                calls = s.calls + excluded.calls,
                http_429 = s.http_429 + excluded.http_429,
                permit_wait_ms = s.permit_wait_ms + excluded.permit_wait_ms,
                permit_wait_max_ms = greatest(s.permit_wait_max_ms, excluded.permit_wait_max_ms)""";

    // Rows another process is deleting right now are skipped, not waited for.
    private static final String PRUNE = """
            DELETE FROM sluice_limit_series WHERE ctid IN (
              SELECT ctid FROM sluice_limit_series
              WHERE bucket_start < now() - make_interval(secs => :keep)
              LIMIT 50000 FOR UPDATE SKIP LOCKED)""";

    private final Jdbi jdbi;

    public SeriesRows(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Adds these seconds to the table in one statement (one round trip). */
    public void add(SortedMap<SecondBuckets.Key, SecondBuckets.Counts> seconds) {
        int n = seconds.size();
        String[] names = new String[n];
        Long[] secs = new Long[n];
        Long[] permits = new Long[n];
        Long[] calls = new Long[n];
        Long[] rejected = new Long[n];
        Double[] waits = new Double[n];
        Double[] maxWaits = new Double[n];
        int i = 0;
        for (var e : seconds.entrySet()) {
            names[i] = e.getKey().limit();
            secs[i] = e.getKey().second();
            permits[i] = e.getValue().permits;
            calls[i] = e.getValue().calls;
            rejected[i] = e.getValue().http429;
            waits[i] = e.getValue().waitNanos / 1e6;
            maxWaits[i] = e.getValue().waitMaxNanos / 1e6;
            i++;
        }
        jdbi.useHandle(h -> h.createUpdate(UPSERT)
                .bindArray("names", String.class, (Object[]) names)
                .bindArray("seconds", Long.class, (Object[]) secs)
                .bindArray("permits", Long.class, (Object[]) permits)
                .bindArray("calls", Long.class, (Object[]) calls)
                .bindArray("rejected", Long.class, (Object[]) rejected)
                .bindArray("waits", Double.class, (Object[]) waits)
                .bindArray("maxWaits", Double.class, (Object[]) maxWaits)
                .execute());
    }

    /** Deletes rows older than {@code keep} (at most 50 000 per call); returns how many. */
    public int prune(Duration keep) {
        return jdbi.withHandle(h ->
                h.createUpdate(PRUNE).bind("keep", keep.toMillis() / 1000.0).execute());
    }
}
