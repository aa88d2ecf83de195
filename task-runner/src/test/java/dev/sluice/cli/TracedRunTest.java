package dev.sluice.cli;

import static dev.sluice.testing.HostileApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxStats;
import dev.sluice.testing.HostileApi;
import dev.sluice.testing.HostileJob;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.MemorySpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 §1: a run's span tree, as an in-memory exporter receives it from an in-process
 * {@code sluice run} against the sandbox (which answers 429 past its own limit of one call a second and 503 to the
 * first request): run → page (one per commit) → call (a CLIENT span per HTTP request), under the
 * trace Airflow handed over in TRACEPARENT, with events for the 429s and the retries.
 */
class TracedRunTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final Map<String, String> TRACING = Map.of(
            "OTEL_TRACES_EXPORTER", "sluice-memory",
            "OTEL_METRICS_EXPORTER", "none",
            "TRACEPARENT", "00-" + TRACE + "-" + PARENT + "-01");

    @BeforeEach
    void reset() {
        MemorySpans.reset();
    }

    @Test
    void a_run_exports_run_page_and_call_spans_with_events_for_429s_and_retries_under_the_given_traceparent() {
        SandboxConfig api = SandboxConfig.defaults()
                .withLimits("window:1/1s")
                .withRecordsPerPartition(40)
                .withFailFirst("2026-11-01", 1);
        try (JobFixture job = JobFixture.start(
                "traced", api, 10, "retry: {max_attempts: 10, initial_delay: 50ms, max_delay: 200ms}")) {
            Stdout run = Stdout.of(
                    job.env(flat(TRACING)), "run", "--job", job.spec().toString(), "--partition", "2026-11-01");

            assertThat(run.exit()).as(run.text()).isZero();
            JsonNode summary = run.json();
            SandboxStats truth = job.sandbox().stats();
            List<SpanData> spans = MemorySpans.finished();
            SpanData root = single(spans, s -> s.getName().equals("sluice run traced/2026-11-01"));
            assertThat(root.getTraceId()).isEqualTo(TRACE);
            assertThat(root.getParentSpanId()).as("continues Airflow's span").isEqualTo(PARENT);
            assertThat(summary.get("trace_id").asText()).isEqualTo(TRACE);

            List<SpanData> pages = named(spans, "page");
            assertThat(pages).hasSize(summary.get("pages").asInt());
            assertThat(pages).allSatisfy(p -> assertThat(p.getParentSpanId()).isEqualTo(root.getSpanId()));
            assertThat(pages.stream().mapToLong(p -> p.getAttributes().get(AttributeKey.longKey("sluice.records"))))
                    .as("records per page")
                    .isNotEmpty()
                    .allMatch(n -> n >= 0);
            assertThat(pages.stream()
                            .mapToLong(p -> p.getAttributes().get(AttributeKey.longKey("sluice.records")))
                            .sum())
                    .isEqualTo(40);

            Set<String> pageIds = pages.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
            List<SpanData> calls =
                    spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
            assertThat(calls)
                    .as("a CLIENT span per request the API received")
                    .hasSize((int) truth.requests())
                    .hasSize(summary.get("api_calls").asInt());
            assertThat(calls).allSatisfy(c -> {
                assertThat(pageIds).as("every call belongs to a page").contains(c.getParentSpanId());
                assertThat(c.getTraceId()).isEqualTo(TRACE);
                assertThat(c.getName()).isEqualTo("GET");
                assertThat(attribute(c, "http.request.method")).isEqualTo("GET");
                assertThat(attribute(c, "url.full"))
                        .startsWith(job.sandbox().baseUrl() + "/v1/orders?")
                        .contains("partition=2026-11-01")
                        .doesNotContain(JobFixture.TOKEN);
                assertThat(attribute(c, "server.address"))
                        .isEqualTo(URI.create(job.sandbox().baseUrl()).getHost());
                assertThat(attribute(c, "sluice.limit")).isEqualTo("none");
                assertThat(c.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                        .isNotNull();
                assertThat(c.getAttributes().get(AttributeKey.longKey("sluice.attempt")))
                        .isPositive();
                assertThat(c.getAttributes().get(AttributeKey.longKey("sluice.permit_wait_ms")))
                        .isNotNull();
            });

            List<SpanData> rateLimited = calls.stream()
                    .filter(c -> c.getAttributes().get(AttributeKey.longKey("http.response.status_code")) == 429)
                    .toList();
            assertThat(truth.rateLimited()).as("the sandbox did say 429").isPositive();
            assertThat(rateLimited).hasSize((int) truth.rateLimited());
            assertThat(rateLimited)
                    .as("a 429 is an event, and its Retry-After a pause")
                    .allSatisfy(c -> assertThat(events(c)).contains("rate_limited", "pause"));
            assertThat(calls)
                    .as("the 503's call")
                    .anySatisfy(
                            c -> assertThat(c.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                                    .isEqualTo(503));
            long retries = pages.stream()
                    .flatMap(p -> p.getEvents().stream())
                    .filter(e -> e.getName().equals("retry"))
                    .count();
            assertThat(retries)
                    .as("retry events")
                    .isEqualTo(summary.get("retries").asLong())
                    .isPositive();
            assertThat(calls)
                    .as("retried attempts are numbered")
                    .anySatisfy(c -> assertThat(c.getAttributes().get(AttributeKey.longKey("sluice.attempt")))
                            .isGreaterThan(1));
        }
    }

    @Test
    void each_request_carries_the_traceparent_of_its_own_call_span() {
        try (HostileApi api = HostileApi.start().on("/items", json("{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}]}"));
                HostileJob job =
                        HostileJob.create("traced_header", "url: ${API}/items", "", Map.of("API", api.origin()))) {
            Stdout run = Stdout.of(
                    job.env(flat(TRACING)), "run", "--job", job.spec().toString(), "--partition", HostileJob.PARTITION);

            assertThat(run.exit()).as(run.text()).isZero();
            SpanData call = single(MemorySpans.finished(), s -> s.getKind() == SpanKind.CLIENT);
            assertThat(api.requests())
                    .singleElement()
                    .satisfies(r -> assertThat(r.header("traceparent"))
                            .isEqualTo("00-" + TRACE + "-" + call.getSpanId() + "-01"));
        }
    }

    private static String[] flat(Map<String, String> env) {
        return env.entrySet().stream()
                .flatMap(e -> Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new);
    }

    private static SpanData single(List<SpanData> spans, Predicate<SpanData> which) {
        List<SpanData> found = spans.stream().filter(which).toList();
        assertThat(found)
                .as("spans: %s", spans.stream().map(SpanData::getName).toList())
                .hasSize(1);
        return found.getFirst();
    }

    private static List<SpanData> named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static List<String> events(SpanData span) {
        return span.getEvents().stream().map(EventData::getName).toList();
    }
}
