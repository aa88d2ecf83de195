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

    private final String job;
    private final String partition;
    private final Clock clock;
    private final Duration every;
    private final CallStats calls;
    private final Instant started;
    private Instant next;
    long pages;
    long records;
    long deadLetters;

    Progress(String job, String partition, Clock clock, Duration every, CallStats calls) {
        this.job = job;
        this.partition = partition;
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
            log(Math.max(1, Duration.between(started, now).toMillis()) / 1000.0);
        }
    }

    /**
     * The counts go in as key-value pairs as well as in the text: the JSON log then has them as
     * fields ({@code records_per_second}, {@code http_429}, ...) that a log pipeline can chart
     * without parsing the message. Job and partition are not repeated: the run puts them in the MDC,
     * and a key twice in one JSON object is ambiguous.
     */
    private void log(double seconds) {
        double perSecond = Math.round(records * 10 / seconds) / 10.0;
        LOG.atInfo()
                .addKeyValue("pages", pages)
                .addKeyValue("records", records)
                .addKeyValue("records_per_second", perSecond)
                .addKeyValue("api_calls", calls.calls())
                .addKeyValue("http_429", calls.rateLimitedAnswers())
                .addKeyValue("retries", calls.retries())
                .addKeyValue("dead_letters", deadLetters)
                .log(
                        "{}/{}: {} pages, {} records ({} /s), {} API calls, {} answered 429, {} retries, {} dead letters",
                        job,
                        partition,
                        pages,
                        records,
                        perSecond,
                        calls.calls(),
                        calls.rateLimitedAnswers(),
                        calls.retries(),
                        deadLetters);
    }

    long elapsedMillis() {
        return Duration.between(started, clock.instant()).toMillis();
    }
}
