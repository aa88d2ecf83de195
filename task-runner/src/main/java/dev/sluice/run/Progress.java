package dev.sluice.run;

import dev.sluice.call.CallStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One progress line per interval on long partitions: pages, records, rate, calls, 429s, retries. */
final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger("sluice.progress");

    private final String name;
    private final Clock clock;
    private final Duration every;
    private final CallStats calls;
    private final Instant started;
    private Instant next;
    long pages;
    long records;
    long deadLetters;

    Progress(String name, Clock clock, Duration every, CallStats calls) {
        this.name = name;
        this.clock = clock;
        this.every = every;
        this.calls = calls;
        this.started = clock.instant();
        this.next = started.plus(every);
    }

    /** A committed page: the records it loaded and the ones it kept as dead letters. */
    void page(int pageRecords, int pageDeadLetters) {
        pages++;
        records += pageRecords;
        deadLetters += pageDeadLetters;
        Instant now = clock.instant();
        if (!now.isBefore(next)) {
            next = now.plus(every);
            double seconds = Math.max(1, Duration.between(started, now).toMillis()) / 1000.0;
            LOG.info(
                    "{}: {} pages, {} records ({} /s), {} API calls, {} answered 429, {} retries, {} dead letters",
                    name,
                    pages,
                    records,
                    String.format("%.1f", records / seconds),
                    calls.calls(),
                    calls.rateLimitedAnswers(),
                    calls.retries(),
                    deadLetters);
        }
    }

    long elapsedMillis() {
        return Duration.between(started, clock.instant()).toMillis();
    }
}
