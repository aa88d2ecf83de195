package dev.sluice.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.Locale;
import java.util.Map;

/**
 * Tracing for one process. The run's span continues the trace Airflow hands over in
 * {@code TRACEPARENT} (W3C), and its trace id goes into logs, sink rows and outgoing calls'
 * {@code traceparent} headers, so every record can be traced back to its run and API call.
 * Only the entry point creates it; everything else receives what it needs.
 */
public final class Telemetry implements AutoCloseable {
    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;

    private Telemetry(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.tracer = sdk.getTracer("dev.sluice.runner");
    }

    /**
     * Tracing with the W3C propagator. Spans are exported over OTLP/HTTP when
     * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (e.g. {@code http://collector:4318}); otherwise they
     * still get real ids (for logs, sink rows and {@code traceparent} headers) but go nowhere.
     * Exported spans have every known secret masked ({@link MaskedSpans}).
     */
    public static Telemetry create(String service, Map<String, String> env) {
        Resource resource = Resource.getDefault()
                .merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), env.getOrDefault("OTEL_SERVICE_NAME", service))));
        String endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
        // The SDK hands out a no-op tracer (all-zero ids) when no processor is registered: always register one.
        SpanProcessor processor = endpoint == null || endpoint.isBlank()
                ? new IdsOnly()
                : BatchSpanProcessor.builder(new MaskedSpans(OtlpHttpSpanExporter.builder()
                                .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces")
                                .build()))
                        .build();
        SdkTracerProvider tracing = SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(processor)
                .build();
        return new Telemetry(
                OpenTelemetrySdk.builder().setTracerProvider(tracing).build());
    }

    /** Records nothing; its presence makes the SDK create real spans (and so real trace ids). */
    private static final class IdsOnly implements SpanProcessor {
        @Override
        public void onStart(Context parent, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {}

        @Override
        public boolean isEndRequired() {
            return false;
        }
    }

    /** Starts a span that continues {@code TRACEPARENT} from {@code env} when present. */
    public Span startSpan(String name, Map<String, String> env, Attributes attributes) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), env, EnvGetter.INSTANCE);
        return tracer.spanBuilder(name)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAllAttributes(attributes)
                .startSpan();
    }

    /** The W3C {@code traceparent} header value for calls made inside {@code span}. */
    public static String traceparent(Span span) {
        var context = span.getSpanContext();
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex();
    }

    @Override
    public void close() {
        sdk.close();
    }

    /** Reads {@code TRACEPARENT}/{@code TRACESTATE} for {@code traceparent}/{@code tracestate} (OTel env carriers). */
    private enum EnvGetter implements TextMapGetter<Map<String, String>> {
        INSTANCE;

        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key.toUpperCase(Locale.ROOT));
        }
    }
}
