package dev.sluice.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongGauge;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * The runner's instruments (OpenTelemetry metrics API), labelled with the job and, for calls, the
 * limits they went through. Names and attributes are listed in the README (Observability).
 */
final class RunMetrics {
    static final AttributeKey<String> JOB = AttributeKey.stringKey("sluice.job");
    static final AttributeKey<String> LIMIT = AttributeKey.stringKey("sluice.limit");
    static final AttributeKey<String> STATUS_CLASS = AttributeKey.stringKey("sluice.status_class");
    static final AttributeKey<String> PARTITION = AttributeKey.stringKey("sluice.partition");
    static final AttributeKey<String> BREAKER = AttributeKey.stringKey("sluice.breaker");
    /** Breaker states as gauge values: the higher, the worse. */
    static final List<String> BREAKER_STATES = List.of("closed", "half_open", "open");

    private final String job;
    private final LongCounter calls;
    private final LongCounter rateLimited;
    private final LongCounter retries;
    private final DoubleHistogram permitWait;
    private final LongCounter records;
    private final LongCounter deadLetters;
    private final LongCounter inDoubt;
    private final LongGauge breakerState;
    private final LongGauge quotaRemaining;
    private final LongGauge inputLag;

    private RunMetrics(Meter meter, String job) {
        this.job = job;
        calls = meter.counterBuilder("sluice.calls")
                .setUnit("{call}")
                .setDescription("HTTP requests sent to APIs (every attempt, retries included)")
                .build();
        rateLimited = meter.counterBuilder("sluice.calls.rate_limited")
                .setUnit("{call}")
                .setDescription("429 answers")
                .build();
        retries = meter.counterBuilder("sluice.calls.retries")
                .setUnit("{call}")
                .setDescription("attempts scheduled as retries of a failed one")
                .build();
        permitWait = meter.histogramBuilder("sluice.permit.wait")
                .setUnit("s")
                .setDescription("time an attempt waited for the permits of its shared limits")
                .build();
        records = meter.counterBuilder("sluice.records.written")
                .setUnit("{record}")
                .setDescription("records committed to the sink")
                .build();
        deadLetters = meter.counterBuilder("sluice.dead_letters")
                .setUnit("{record}")
                .setDescription("records kept as dead letters")
                .build();
        inDoubt = meter.counterBuilder("sluice.calls.in_doubt")
                .setUnit("{call}")
                .setDescription("per-record calls an earlier attempt had sent without a known outcome, found by a run")
                .build();
        breakerState = meter.gaugeBuilder("sluice.breaker.state")
                .ofLongs()
                .setDescription("the shared breaker as this process last found it: 0 closed, 1 half open, 2 open")
                .build();
        quotaRemaining = meter.gaugeBuilder("sluice.quota.remaining")
                .ofLongs()
                .setUnit("{call}")
                .setDescription("calls left in the API's window, as its rate-limit headers last said")
                .build();
        inputLag = meter.gaugeBuilder("sluice.input.lag")
                .ofLongs()
                .setUnit("{entry}")
                .setDescription("entries a queue input held after the partition's watermark when its run ended")
                .build();
    }

    static RunMetrics of(Meter meter, String job) {
        return new RunMetrics(meter, job);
    }

    void call(String limit, String statusClass) {
        calls.add(1, Attributes.of(JOB, job, LIMIT, limit, STATUS_CLASS, statusClass));
    }

    void rateLimited(String limit) {
        rateLimited.add(1, Attributes.of(JOB, job, LIMIT, limit));
    }

    void retry(String limit) {
        retries.add(1, Attributes.of(JOB, job, LIMIT, limit));
    }

    void permitWait(String limit, long nanos) {
        permitWait.record(nanos / 1e9, Attributes.of(JOB, job, LIMIT, limit));
    }

    void page(long written, long dead) {
        records.add(written, Attributes.of(JOB, job));
        deadLetters.add(dead, Attributes.of(JOB, job));
    }

    void inDoubt(long calls) {
        inDoubt.add(calls, Attributes.of(JOB, job));
    }

    void breaker(String name, String state) {
        breakerState.set(BREAKER_STATES.indexOf(state), Attributes.of(BREAKER, name));
    }

    void quotaRemaining(String limit, long remaining) {
        quotaRemaining.set(remaining, Attributes.of(JOB, job, LIMIT, limit));
    }

    void inputLag(String partition, long entries) {
        inputLag.set(entries, Attributes.of(JOB, job, PARTITION, partition));
    }

    /** {@code 2xx} ... {@code 5xx}. */
    static String statusClass(int status) {
        return status / 100 + "xx";
    }
}
