package dev.sluice.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
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
import java.util.concurrent.ThreadLocalRandom;

/**
 * Tracing for one process. The run's span continues the trace Airflow hands over in
 * {@code TRACEPARENT} (W3C), and its trace id goes into logs, sink rows and outgoing calls'
 * {@code traceparent} headers, so every record can be traced back to its run and API call.
 * Only the entry point creates it; everything else receives what it needs.
 */
public final class Telemetry implements AutoCloseable {
    private OpenTelemetrySdk sdk;
    private Tracer tracer;

    private Telemetry(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.tracer = sdk == null ? null : sdk.getTracer("dev.sluice.runner");
    }

    /**
     * Tracing with the W3C propagator. Spans are exported over OTLP/HTTP when
     * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (e.g. {@code http://collector:4318}); otherwise they
     * still get real ids (for logs, sink rows and {@code traceparent} headers) but go nowhere, and
     * the SDK is not even built: every partition's start would pay for it. Exported spans have
     * every known secret masked ({@link MaskedSpans}).
     */
    public static Telemetry create(String service, Map<String, String> env) {
        String endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (endpoint == null || endpoint.isBlank()) {
            return new Telemetry(null);
        }
        return new Telemetry(Sdks.exporting(service, env, endpoint));
    }

    /**
     * A tracer for spans inside the run's. Without an exporter the SDK is built on first use here,
     * with a processor that records nothing (the SDK hands out all-zero ids without one).
     */
    public synchronized Tracer tracer() {
        if (tracer == null) {
            sdk = Sdks.idsOnly();
            tracer = sdk.getTracer("dev.sluice.runner");
        }
        return tracer;
    }

    /**
     * Everything that touches the SDK, in a class of its own: the JVM then loads no SDK class for
     * a run without an exporter, not even to verify {@link Telemetry}.
     */
    private static final class Sdks {
        static OpenTelemetrySdk exporting(String service, Map<String, String> env, String endpoint) {
            Resource resource = Resource.getDefault()
                    .merge(Resource.create(Attributes.of(
                            AttributeKey.stringKey("service.name"), env.getOrDefault("OTEL_SERVICE_NAME", service))));
            return sdk(
                    resource,
                    BatchSpanProcessor.builder(new MaskedSpans(OtlpHttpSpanExporter.builder()
                                    .setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces")
                                    .build()))
                            .build());
        }

        static OpenTelemetrySdk idsOnly() {
            return sdk(Resource.getDefault(), new IdsOnly());
        }

        private static OpenTelemetrySdk sdk(Resource resource, SpanProcessor processor) {
            SdkTracerProvider tracing = SdkTracerProvider.builder()
                    .setResource(resource)
                    .addSpanProcessor(processor)
                    .build();
            return OpenTelemetrySdk.builder().setTracerProvider(tracing).build();
        }
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
        if (sdk == null) {
            return unrecorded(Span.fromContext(parent).getSpanContext());
        }
        return tracer().spanBuilder(name)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAllAttributes(attributes)
                .startSpan();
    }

    /**
     * A span nobody records, with the ids the SDK would give it: the parent's trace (and sampled
     * flag, as the SDK's default parent-based sampler keeps it), else a new trace, sampled.
     */
    private static Span unrecorded(SpanContext parent) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String traceId = parent.isValid() ? parent.getTraceId() : TraceId.fromLongs(nonZero(random), random.nextLong());
        return Span.wrap(SpanContext.create(
                traceId,
                SpanId.fromLong(nonZero(random)),
                parent.isValid() ? parent.getTraceFlags() : TraceFlags.getSampled(),
                parent.isValid() ? parent.getTraceState() : TraceState.getDefault()));
    }

    private static long nonZero(ThreadLocalRandom random) {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    /** The W3C {@code traceparent} header value for calls made inside {@code span}. */
    public static String traceparent(Span span) {
        var context = span.getSpanContext();
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-"
                + context.getTraceFlags().asHex();
    }

    @Override
    public synchronized void close() {
        if (sdk != null) {
            sdk.close();
        }
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
