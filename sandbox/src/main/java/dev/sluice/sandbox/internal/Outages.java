package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.Outage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Outage windows: the configured ones (relative to start) and those added at run time. */
final class Outages {
    private record Span(Instant from, Instant until) {}

    private final Instant start;
    private volatile List<Span> configured = List.of();
    private final List<Span> added = new CopyOnWriteArrayList<>();

    Outages(Instant start, List<Outage> outages) {
        this.start = start;
        configure(outages);
    }

    void configure(List<Outage> outages) {
        configured = outages.stream()
                .map(o -> new Span(start.plus(o.after()), start.plus(o.after()).plus(o.length())))
                .toList();
    }

    void add(Instant from, Duration length) {
        added.add(new Span(from, from.plus(length)));
    }

    void clearAdded() {
        added.clear();
    }

    boolean active(Instant now) {
        return covers(configured, now) || covers(added, now);
    }

    private static boolean covers(List<Span> spans, Instant now) {
        return spans.stream().anyMatch(s -> !now.isBefore(s.from) && now.isBefore(s.until));
    }
}
