package dev.sluice.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand, so hour-long windows and outages take no real time. */
public final class ManualClock implements InstantSource {
    private final AtomicReference<Instant> now;

    public ManualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock at {@code 2026-11-01T10:00:00.250Z}: a quarter second into a window of any length up to an hour. */
    public static ManualClock quarterPastTheHour() {
        return new ManualClock(Instant.parse("2026-11-01T10:00:00.250Z"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    public void set(Instant t) {
        now.set(t);
    }
}
