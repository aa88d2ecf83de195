package dev.sluice.admin.internal;

import dev.sluice.admin.LimitSeries;
import dev.sluice.ratelimit.Rate;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * A limit series the server samples itself: every {@link #INTERVAL} it reads each limit's bucket
 * (tokens as of its last take, capacity, refill) and counts the permits granted since the last
 * sample as what the bucket lost beyond its refill. While the bucket is busy (below its capacity,
 * the case a chart is for) that is exact; while it idles full, refill beyond the capacity is not
 * counted, so the estimate never shows more than was granted. Kept {@link #RETENTION} in memory:
 * a restarted server starts an empty chart.
 */
public final class BucketSampler implements LimitSeries {
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration RETENTION = Duration.ofMinutes(15);

    private final Jdbi jdbi;
    private final Map<String, Deque<Point>> points = new ConcurrentHashMap<>();
    private final Map<String, Sample> last = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private record Sample(
            String name,
            Instant at,
            Instant refilledAt,
            double[] tokens,
            double[] capacity,
            double[] refillPerMs,
            long[] quotaMs,
            boolean paused,
            double limitPerSecond) {}

    public BucketSampler(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.thread = Thread.ofVirtual().name("limit-sampler").start(this::loop);
    }

    @Override
    public List<Point> recent(String limit, Duration window) {
        Deque<Point> series = points.get(limit);
        if (series == null) {
            return List.of();
        }
        Instant from = Instant.now().minus(window);
        synchronized (series) {
            return series.stream().filter(p -> p.at().isAfter(from)).toList();
        }
    }

    private void loop() {
        while (running) {
            try {
                sample();
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a database hiccup costs one point of the chart; the next sample goes on
                sleepQuietly();
            }
        }
    }

    private void sample() {
        Instant now = Instant.now();
        for (Sample s : read(now)) {
            String name = s.name();
            Sample before = last.put(name, s);
            if (before == null) {
                continue;
            }
            double seconds = Duration.between(before.at(), s.at()).toNanos() / 1e9;
            Point p = new Point(s.at(), granted(before, s) / seconds, s.limitPerSecond(), s.paused());
            Deque<Point> series = points.computeIfAbsent(name, n -> new ArrayDeque<>());
            synchronized (series) {
                series.addLast(p);
                while (!series.isEmpty() && series.peekFirst().at().isBefore(now.minus(RETENTION))) {
                    series.removeFirst();
                }
            }
        }
    }

    private List<Sample> read(Instant now) {
        List<Sample> samples = new ArrayList<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT name, refilled_at, tokens, capacity, refill_per_ms, quota_ms,
                               coalesce(paused_until > now(), false) AS paused,
                               coalesce(config->'rates'->>0, config->'quotas'->>0) AS first_rate
                        FROM sluice_limit WHERE capacity IS NOT NULL""")
                .map((rs, ctx) -> {
                    double[] capacity = doubles(rs.getArray("capacity"));
                    double[] tokens = rs.getArray("tokens") == null ? capacity : doubles(rs.getArray("tokens"));
                    return new Sample(
                            rs.getString("name"),
                            now,
                            rs.getTimestamp("refilled_at") == null
                                    ? null
                                    : rs.getTimestamp("refilled_at").toInstant(),
                            tokens,
                            capacity,
                            doubles(rs.getArray("refill_per_ms")),
                            longs(rs.getArray("quota_ms")),
                            rs.getBoolean("paused"),
                            rs.getString("first_rate") == null
                                    ? 0
                                    : Rate.parse(rs.getString("first_rate")).perSecond());
                })
                .forEach(samples::add));
        return samples;
    }

    /** Permits granted between two samples, from the first bandwidth (the one the chart's limit line is). */
    static double granted(Sample a, Sample b) {
        if (b.refilledAt() == null || b.refilledAt().equals(a.refilledAt()) || b.tokens().length == 0) {
            return 0;
        }
        double cap = b.capacity()[0];
        double before = a.capacity().length > 0 && a.capacity()[0] > 0 ? a.tokens()[0] / a.capacity()[0] * cap : cap;
        double ms = a.refilledAt() == null
                ? 0
                : Duration.between(a.refilledAt(), b.refilledAt()).toNanos() / 1e6;
        double available;
        if (b.quotaMs()[0] > 0) {
            long q = b.quotaMs()[0];
            boolean samePeriod = a.refilledAt() != null
                    && a.refilledAt().toEpochMilli() / q == b.refilledAt().toEpochMilli() / q;
            available = samePeriod ? before : cap;
        } else {
            available = Math.min(cap, before + b.refillPerMs()[0] * ms);
        }
        return Math.max(0, available - b.tokens()[0]);
    }

    private static double[] doubles(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] == null ? 0 : ((Number) values[i]).doubleValue();
        }
        return out;
    }

    private static long[] longs(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] == null ? 0 : ((Number) values[i]).longValue();
        }
        return out;
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(INTERVAL);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
