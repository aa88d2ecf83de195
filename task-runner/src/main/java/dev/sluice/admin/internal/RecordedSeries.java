package dev.sluice.admin.internal;

import dev.sluice.admin.LimitSeries;
import dev.sluice.history.LimitView;
import dev.sluice.history.LimitViews;
import dev.sluice.history.SeriesPoint;
import dev.sluice.ratelimit.Rate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The series the runners write ({@code sluice_limit_series}, flushed every few seconds), with a
 * point for every second from the first recorded one in the window to now: a second nobody
 * called in is a 0, so the chart shows idle time as idle.
 */
public final class RecordedSeries implements LimitSeries {
    private final LimitViews views;

    public RecordedSeries(Jdbi jdbi) {
        this.views = new LimitViews(jdbi);
    }

    @Override
    public List<Point> recent(String limit, Duration window) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<SeriesPoint> recorded = views.series(limit, now.minus(window), now.plusSeconds(1));
        if (recorded.isEmpty()) {
            return List.of();
        }
        double perSecond = limitPerSecond(limit);
        Map<Instant, SeriesPoint> bySecond = new HashMap<>();
        recorded.forEach(p -> bySecond.put(p.second(), p));
        List<Point> points = new ArrayList<>();
        for (Instant s = recorded.getFirst().second(); !s.isAfter(now); s = s.plusSeconds(1)) {
            SeriesPoint p = bySecond.get(s);
            points.add(
                    p == null
                            ? new Point(s, 0, 0, 0, 0, perSecond)
                            : new Point(s, p.calls(), p.permits(), p.http429(), p.permitWaitMs(), perSecond));
        }
        return points;
    }

    private double limitPerSecond(String limit) {
        List<LimitView> found = views.limits(List.of(limit));
        if (found.isEmpty()) {
            return 0;
        }
        LimitView view = found.getFirst();
        List<String> rates = view.rates().isEmpty() ? view.quotas() : view.rates();
        return rates.isEmpty() ? 0 : Rate.parse(rates.getFirst()).perSecond();
    }
}
