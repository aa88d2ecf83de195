package dev.sluice.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Masking;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Spans leave the process with every known secret masked, whatever code set their texts. */
class MaskedSpansTest {
    private static final String SECRET = "key-MaskedSpansTest-4321";

    @Test
    void name_attributes_events_and_status_are_masked_on_export() {
        Masking.register(SECRET);
        List<SpanData> exported = new CopyOnWriteArrayList<>();
        try (SdkTracerProvider tracing = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(new MaskedSpans(capturing(exported))))
                .build()) {
            Span span = tracing.get("test").spanBuilder("call /v1/" + SECRET).startSpan();
            span.setAttribute("url", "https://api.example.com/v1?key=" + SECRET);
            span.setAttribute(AttributeKey.stringArrayKey("echoes"), List.of(SECRET, "plain"));
            span.setAttribute("attempt", 2L);
            span.addEvent("refused", Attributes.of(AttributeKey.stringKey("body"), "{\"key\":\"" + SECRET + "\"}"));
            span.setStatus(StatusCode.ERROR, "401: invalid key " + SECRET);
            span.end();
        }

        assertThat(exported).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("call /v1/****");
            assertThat(span.getAttributes().get(AttributeKey.stringKey("url")))
                    .isEqualTo("https://api.example.com/v1?key=****");
            assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("echoes")))
                    .containsExactly("****", "plain");
            assertThat(span.getAttributes().get(AttributeKey.longKey("attempt")))
                    .isEqualTo(2L);
            assertThat(span.getEvents().getFirst().getAttributes().get(AttributeKey.stringKey("body")))
                    .isEqualTo("{\"key\":\"****\"}");
            assertThat(span.getStatus().getDescription()).isEqualTo("401: invalid key ****");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        });
    }

    private static SpanExporter capturing(List<SpanData> into) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                into.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }
}
