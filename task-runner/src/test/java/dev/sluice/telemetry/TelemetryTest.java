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
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
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

        try (Telemetry telemetry =
                Telemetry.create("test", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.getHttpBaseUrl()))) {
            telemetry.startSpan("run", Map.of(), Attributes.empty()).end();
        }

        verify(postRequestedFor(urlEqualTo("/v1/traces")));
    }
}
