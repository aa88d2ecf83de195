package dev.sluice.functional;

import static dev.sluice.testing.HostileApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxStats;
import dev.sluice.testing.HostileApi;
import dev.sluice.testing.HostileJob;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.OtlpCollector;
import dev.sluice.testing.OtlpCollector.Point;
import dev.sluice.testing.SluiceProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 §1-2 from outside: real {@code sluice run} processes export spans and metrics over
 * OTLP/HTTP to a fake collector, configured only by OTEL_* variables. The metrics equal the
 * sandbox's own ground truth (requests, 429s), and a runner stopped by SIGTERM still exports its
 * last spans and metrics. The metric interval is set far beyond the runs, so what arrives was
 * flushed at exit.
 */
class TelemetryExportTest {
    private static final Duration SANITY = Duration.ofSeconds(45);

    @Test
    void metrics_of_a_real_run_arrive_at_the_collector_equal_to_the_sandboxs_ground_truth() {
        SandboxConfig api = SandboxConfig.defaults()
                .withLimits("window:1/1s")
                .withRecordsPerPartition(40)
                .withFailFirst("2026-11-01", 1);
        try (HostileApi collector = OtlpCollector.start();
                // no limit of Sluice's own: the API's rate-limit headers would pause it before any 429
                JobFixture job = JobFixture.start(
                        "metered", api, 10, "retry: {max_attempts: 10, initial_delay: 50ms, max_delay: 200ms}")) {
            SluiceProcess.Result run = job.start("2026-11-01", otel(collector)).await(Duration.ofMinutes(3));

            assertThat(run.exit()).as(run.describe()).isZero();
            JsonNode summary = run.json();
            SandboxStats truth = job.sandbox().stats();
            assertThat(truth.rateLimited()).as("the sandbox did say 429").isPositive();
            List<Point> metrics = OtlpCollector.latestMetrics(collector);
            assertThat(OtlpCollector.total(collector, "sluice.calls")).isEqualTo(truth.requests());
            assertThat(OtlpCollector.total(collector, "sluice.calls.rate_limited"))
                    .isEqualTo(truth.rateLimited());
            assertThat(sum(metrics, "sluice.calls", "sluice.status_class", "4xx"))
                    .isEqualTo(truth.rateLimited());
            assertThat(sum(metrics, "sluice.calls", "sluice.status_class", "5xx"))
                    .as("the injected 503")
                    .isEqualTo(1);
            assertThat(OtlpCollector.total(collector, "sluice.calls.retries"))
                    .isEqualTo(summary.get("retries").asLong())
                    .isPositive();
            assertThat(OtlpCollector.total(collector, "sluice.permit.wait"))
                    .as("one permit wait per request")
                    .isEqualTo(truth.requests());
            assertThat(OtlpCollector.total(collector, "sluice.records.written")).isEqualTo(40);
            assertThat(metrics)
                    .filteredOn(p -> p.metric().equals("sluice.calls"))
                    .allSatisfy(p -> assertThat(p.attributes())
                            .containsEntry("sluice.job", "metered")
                            .containsEntry("sluice.limit", "none"));
            assertThat(OtlpCollector.total(collector, "sluice.quota.remaining"))
                    .as("the API's rate-limit headers, as last seen")
                    .isGreaterThanOrEqualTo(0);
            assertThat(metrics).anySatisfy(p -> assertThat(p.metric()).isEqualTo("sluice.quota.remaining"));
            assertThat(collector.requests("/v1/metrics"))
                    .as("the exports carry OTEL_EXPORTER_OTLP_HEADERS")
                    .allSatisfy(r -> assertThat(r.header("x-collector-key")).isEqualTo("k-77"));
            assertThat(OtlpCollector.traces(collector)).contains("sluice run metered/2026-11-01", "page", "GET");
        }
    }

    @Test
    void a_runner_stopped_by_sigterm_still_exports_its_last_spans_and_metrics() {
        try (HostileApi collector = OtlpCollector.start();
                HostileApi api = HostileApi.start().on("/items", request -> {
                    int page = request.query() == null
                            ? 0
                            : Integer.parseInt(request.query().replace("cursor=", ""));
                    return json("{\"data\":[{\"id\":\"p" + page + "\"}],\"next_cursor\":\"" + (page + 1) + "\"}");
                });
                HostileJob job = HostileJob.create(
                        "term_otel",
                        "url: ${API}/items\npagination: {type: cursor}",
                        "limits: [{name: term-otel, rates: [\"2/1m\"]}]",
                        Map.of("API", api.origin()))) {
            SluiceProcess run = SluiceProcess.start(
                    job.env(flat(otel(collector))),
                    "run",
                    "--job",
                    job.spec().toString(),
                    "--partition",
                    HostileJob.PARTITION);
            await().atMost(SANITY)
                    .until(() -> job.partition().get("pages") != null
                            && (Long) job.partition().get("pages") == 1); // the next permit is a minute away
            assertThat(collector.requests())
                    .as("nothing exported before the stop")
                    .isEmpty();

            run.process().destroy();
            SluiceProcess.Result stopped = run.await(SANITY);

            assertThat(stopped.exit()).as(stopped.describe()).isEqualTo(75);
            assertThat(OtlpCollector.traces(collector))
                    .as("the run's span and its committed page's")
                    .contains("sluice run term_otel/" + HostileJob.PARTITION, "page", "GET");
            assertThat(OtlpCollector.total(collector, "sluice.calls"))
                    .isEqualTo(api.requests().size());
            assertThat(OtlpCollector.total(collector, "sluice.records.written")).isEqualTo(1);
            assertThat(OtlpCollector.latestMetrics(collector))
                    .filteredOn(p -> p.metric().equals("sluice.calls"))
                    .singleElement()
                    .satisfies(p -> assertThat(p.attributes()).containsEntry("sluice.limit", "term-otel"));
        }
    }

    private static Map<String, String> otel(HostileApi collector) {
        return Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", collector.origin(),
                "OTEL_EXPORTER_OTLP_HEADERS", "x-collector-key=k-77",
                "OTEL_METRIC_EXPORT_INTERVAL", "600000",
                "OTEL_BSP_SCHEDULE_DELAY", "600000");
    }

    private static double sum(List<Point> metrics, String metric, String key, String value) {
        return metrics.stream()
                .filter(p ->
                        p.metric().equals(metric) && value.equals(p.attributes().get(key)))
                .mapToDouble(Point::value)
                .sum();
    }

    private static String[] flat(Map<String, String> env) {
        return env.entrySet().stream()
                .flatMap(e -> Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new);
    }
}
