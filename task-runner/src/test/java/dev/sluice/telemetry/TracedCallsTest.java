package dev.sluice.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.http.Request;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the call observer makes of the gate's reports: events for breaker changes and pauses, gauges, url.full. */
class TracedCallsTest {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final Tracer tracer = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans))
            .build()
            .get("test");
    private final TracedCalls calls = new TracedCalls(
            tracer,
            RunMetrics.of(
                    SdkMeterProvider.builder()
                            .registerMetricReader(metrics)
                            .build()
                            .get("test"),
                    "orders"));

    @Test
    void a_breaker_that_changes_state_is_an_event_and_its_state_a_gauge() {
        Span page = tracer.spanBuilder("page").startSpan();
        try (Scope current = page.makeCurrent()) {
            calls.breakerSeen("shop", "closed");
            calls.breakerSeen("shop", "closed");
            calls.breakerSeen("shop", "open");
            calls.breakerSeen("shop", "half_open");
        } finally {
            page.end();
        }

        assertThat(events(single("page")))
                .as("changes only, not every look")
                .containsExactly("breaker open", "breaker half_open");
        assertThat(single("page")
                        .getEvents()
                        .getFirst()
                        .getAttributes()
                        .get(AttributeKey.stringKey("sluice.breaker.previous")))
                .isEqualTo("closed");
        assertThat(gauge("sluice.breaker.state")).as("half open").isEqualTo(1);
    }

    @Test
    void a_pause_is_an_event_on_the_call_and_the_quota_the_api_reports_a_gauge() {
        try (CallObserver.Attempt attempt = calls.sending(
                Request.get(URI.create("https://api.example.com/v1/orders?cursor=c2&api_key=k1&sig=abc")),
                List.of("shop", "shop-daily"),
                2,
                3_000_000)) {
            attempt.answered(429);
            attempt.rateLimited(Duration.ofSeconds(2));
            calls.paused(List.of("shop", "shop-daily"), Duration.ofSeconds(2), "429 with Retry-After 2s");
            calls.quotaRemaining(List.of("shop", "shop-daily"), 0);
        }

        SpanData call = single("GET");
        assertThat(events(call)).containsExactly("rate_limited", "pause");
        assertThat(call.getAttributes().get(AttributeKey.stringKey("url.full")))
                .isEqualTo("https://api.example.com/v1/orders?cursor=c2&api_key=REDACTED&sig=REDACTED");
        assertThat(call.getAttributes().get(AttributeKey.stringKey("sluice.limit")))
                .isEqualTo("shop,shop-daily");
        assertThat(call.getAttributes().get(AttributeKey.longKey("server.port")))
                .isEqualTo(443);
        assertThat(call.getAttributes().get(AttributeKey.longKey("sluice.permit_wait_ms")))
                .isEqualTo(3);
        assertThat(call.getAttributes().get(AttributeKey.longKey("sluice.attempt")))
                .isEqualTo(2);
        assertThat(gauge("sluice.quota.remaining")).isZero();
        assertThat(metric("sluice.calls").getLongSumData().getPoints())
                .singleElement()
                .satisfies(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("sluice.status_class")))
                        .isEqualTo("4xx"));
    }

    @Test
    void a_call_without_an_answer_counts_as_an_error() {
        try (CallObserver.Attempt attempt =
                calls.sending(Request.get(URI.create("http://api.example.com/x")), List.of(), 1, 0)) {
            attempt.failed(new IllegalStateException("connection reset"));
        }

        assertThat(metric("sluice.calls").getLongSumData().getPoints())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.getAttributes().get(AttributeKey.stringKey("sluice.status_class")))
                            .isEqualTo("error");
                    assertThat(p.getAttributes().get(AttributeKey.stringKey("sluice.limit")))
                            .isEqualTo("none");
                });
        assertThat(single("GET").getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(IllegalStateException.class.getName());
    }

    private SpanData single(String name) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> events(SpanData span) {
        return span.getEvents().stream().map(EventData::getName).toList();
    }

    private MetricData metric(String name) {
        return metrics.collectAllMetrics().stream()
                .filter(m -> m.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private long gauge(String name) {
        return metric(name).getLongGaugeData().getPoints().iterator().next().getValue();
    }
}
