package dev.sluice.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
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

    /** Tracing with the W3C propagator; spans get ids but are not exported unless configured. */
    public static Telemetry create(String service) {
        Resource resource = Resource.getDefault().merge(Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), service)));
        SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(resource).build();
        return new Telemetry(OpenTelemetrySdk.builder().setTracerProvider(tracing).build());
    }

    /** Starts a span that continues {@code TRACEPARENT} from {@code env} when present. */
    public Span startSpan(String name, Map<String, String> env, Attributes attributes) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), env, EnvGetter.INSTANCE);
        return tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.INTERNAL).setAllAttributes(attributes).startSpan();
    }

    /** The W3C {@code traceparent} header value for calls made inside {@code span}. */
    public static String traceparent(Span span) {
        var context = span.getSpanContext();
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
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
            return carrier == null ? null : carrier.get(key.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
