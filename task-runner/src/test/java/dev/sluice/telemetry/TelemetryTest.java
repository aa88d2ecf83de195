package dev.sluice.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.verify;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import dev.sluice.testing.HostileApi;
import dev.sluice.testing.MemorySpans;
import dev.sluice.testing.OtlpCollector;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

@WireMockTest
class TelemetryTest {
    @Test
    void spans_get_real_ids_without_any_exporter() {
        try (Telemetry telemetry = Telemetry.create("test", Map.of())) {
            Span span = telemetry.startSpan("run", Map.of(), Attributes.empty());

            assertThat(span.getSpanContext().isValid()).isTrue();
            assertThat(Telemetry.traceparent(span)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]");
        }
    }

    @Test
    void a_run_continues_the_trace_airflow_hands_over() {
        try (Telemetry telemetry = Telemetry.create("test", Map.of())) {
            Span span = telemetry.startSpan(
                    "run",
                    Map.of("TRACEPARENT", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                    Attributes.empty());

            assertThat(span.getSpanContext().getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(span.getSpanContext().getSpanId()).isNotEqualTo("00f067aa0ba902b7");
        }
    }

    @Test
    void without_an_exporter_an_unsampled_parent_stays_unsampled_as_the_sdk_would_keep_it() {
        try (Telemetry telemetry = Telemetry.create("test", Map.of())) {
            Span span = telemetry.startSpan(
                    "run",
                    Map.of("TRACEPARENT", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"),
                    Attributes.empty());

            assertThat(Telemetry.traceparent(span)).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00");
        }
    }

    @Test
    void without_an_exporter_the_tracer_still_gives_child_spans_real_ids_in_the_runs_trace() {
        try (Telemetry telemetry = Telemetry.create("test", Map.of())) {
            Span run = telemetry.startSpan("run", Map.of(), Attributes.empty());

            Span child = telemetry
                    .tracer()
                    .spanBuilder("call")
                    .setParent(io.opentelemetry.context.Context.root().with(run))
                    .startSpan();

            assertThat(child.getSpanContext().isValid()).isTrue();
            assertThat(child.getSpanContext().getTraceId())
                    .isEqualTo(run.getSpanContext().getTraceId());
            assertThat(child.getSpanContext().getSpanId())
                    .isNotEqualTo(run.getSpanContext().getSpanId());
        }
    }

    @Test
    void spans_are_exported_over_otlp_when_an_endpoint_is_configured(WireMockRuntimeInfo collector) {
        stubFor(post(urlEqualTo("/v1/traces")).willReturn(aResponse().withStatus(200)));

        try (Telemetry telemetry = Telemetry.create(
                "test",
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.getHttpBaseUrl(), "OTEL_METRICS_EXPORTER", "none"))) {
            telemetry.startSpan("run", Map.of(), Attributes.empty()).end();
        }

        verify(postRequestedFor(urlEqualTo("/v1/traces")));
    }

    @Test
    void otlp_headers_resource_attributes_and_the_service_name_reach_the_collector() {
        try (HostileApi collector = OtlpCollector.start()) {
            try (Telemetry telemetry = Telemetry.create(
                    "sluice",
                    Map.of(
                            "OTEL_EXPORTER_OTLP_ENDPOINT", collector.origin(),
                            "OTEL_EXPORTER_OTLP_HEADERS", "x-collector-key=abc123,x-tenant=ops",
                            "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=staging"))) {
                telemetry.startSpan("run", Map.of(), Attributes.empty()).end();
            }

            assertThat(collector.requests("/v1/traces")).singleElement().satisfies(export -> {
                assertThat(export.header("x-collector-key")).isEqualTo("abc123");
                assertThat(export.header("x-tenant")).isEqualTo("ops");
                assertThat(export.header("Content-Type")).isEqualTo("application/x-protobuf");
                assertThat(new String(export.body(), StandardCharsets.UTF_8))
                        .as("the default service name and the resource attribute")
                        .contains("service.name", "sluice", "deployment.environment.name", "staging");
            });
        }
    }

    @Test
    void otel_service_name_replaces_the_default_and_the_sampler_variable_is_honoured() {
        MemorySpans.reset();
        Map<String, String> env = Map.of(
                "OTEL_TRACES_EXPORTER", "sluice-memory",
                "OTEL_METRICS_EXPORTER", "none",
                "OTEL_SERVICE_NAME", "orders-sync");
        try (Telemetry telemetry = Telemetry.create("sluice", env)) {
            telemetry.startSpan("run", Map.of(), Attributes.empty()).end();
        }
        try (Telemetry telemetry = Telemetry.create("sluice", with(env, "OTEL_TRACES_SAMPLER", "always_off"))) {
            telemetry.startSpan("unsampled", Map.of(), Attributes.empty()).end();
        }

        assertThat(MemorySpans.finished()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("run");
            assertThat(span.getResource().getAttribute(AttributeKey.stringKey("service.name")))
                    .isEqualTo("orders-sync");
        });
    }

    @Test
    void the_sdk_starts_only_when_somewhere_to_export_is_configured() {
        assertThat(Telemetry.exporting(Map.of())).isFalse();
        assertThat(Telemetry.exporting(Map.of("OTEL_SERVICE_NAME", "x", "OTEL_TRACES_SAMPLER", "always_on")))
                .isFalse();
        assertThat(Telemetry.exporting(Map.of("OTEL_TRACES_EXPORTER", "none", "OTEL_METRICS_EXPORTER", "none")))
                .isFalse();
        assertThat(Telemetry.exporting(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")))
                .isTrue();
        assertThat(Telemetry.exporting(Map.of("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://c:4318/v1/metrics")))
                .isTrue();
        assertThat(Telemetry.exporting(Map.of("OTEL_TRACES_EXPORTER", "console")))
                .isTrue();
        assertThat(Telemetry.exporting(
                        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_SDK_DISABLED", "true")))
                .isFalse();
    }

    @Test
    void without_an_exporter_calls_and_pages_are_watched_by_nothing() {
        try (Telemetry telemetry = Telemetry.create("sluice", Map.of())) {
            assertThat(telemetry.calls("job")).isSameAs(CallObserver.NONE);
            assertThat(telemetry.pages("job")).isSameAs(PageObserver.NONE);
        }
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(key, value);
        return more;
    }
}
