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
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Tracing and metrics for one process, configured the way OpenTelemetry users expect: every
 * {@code OTEL_*} variable the SDK's autoconfigure module knows (exporters, endpoint, headers,
 * protocol, sampler, resource attributes, service name, metric interval). The run's span continues
 * the trace Airflow hands over in {@code TRACEPARENT} (W3C), and its trace id goes into logs, sink
 * rows and outgoing calls' {@code traceparent} headers, so every record can be traced back to its
 * run and API call. Only the entry point creates it; everything else receives what it needs.
 *
 * <p>The SDK is built only when an exporter is configured ({@link #exporting(Map)}): every
 * partition's start would otherwise pay for loading it. Without one, spans still get real ids and
 * {@link #calls}/{@link #pages} watch nothing.
 */
public final class Telemetry implements AutoCloseable {
    /** Instrumentation scope of every span and instrument. */
    static final String SCOPE = "dev.sluice.runner";

    private final boolean exporting;
    private OpenTelemetrySdk sdk;
    private Tracer tracer;

    private Telemetry(OpenTelemetrySdk sdk) {
        this.exporting = sdk != null;
        this.sdk = sdk;
        this.tracer = sdk == null ? null : sdk.getTracer(SCOPE);
    }

    /**
     * Tracing with the W3C propagator, exported as the {@code OTEL_*} variables in {@code env} say
     * when {@link #exporting(Map)}. Unlike the SDK's own defaults, OTLP speaks
     * {@code http/protobuf} (port 4318) unless {@code OTEL_EXPORTER_OTLP_PROTOCOL} says otherwise,
     * logs are not exported ({@code OTEL_LOGS_EXPORTER=none}: they go to stderr), and the service is
     * named {@code service} unless {@code OTEL_SERVICE_NAME} or {@code OTEL_RESOURCE_ATTRIBUTES}
     * name it. Exported spans have every known secret masked ({@link MaskedSpans}).
     */
    public static Telemetry create(String service, Map<String, String> env) {
        return new Telemetry(exporting(env) ? Sdks.autoconfigured(service, env) : null);
    }

    /**
     * True when {@code env} configures somewhere to send spans or metrics: an OTLP endpoint
     * ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or its traces/metrics variants), or a traces or metrics
     * exporter other than {@code none}; and {@code OTEL_SDK_DISABLED} is not {@code true}.
     */
    public static boolean exporting(Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.get("OTEL_SDK_DISABLED"))) {
            return false;
        }
        boolean endpoint = Stream.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT",
                        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
                .anyMatch(k -> env.get(k) != null && !env.get(k).isBlank());
        boolean exporter = Stream.of("OTEL_TRACES_EXPORTER", "OTEL_METRICS_EXPORTER")
                .map(env::get)
                .anyMatch(v -> v != null && !v.isBlank() && !v.strip().equalsIgnoreCase("none"));
        return endpoint || exporter;
    }

    /**
     * A tracer for spans inside the run's. Without an exporter the SDK is built on first use here,
     * with a processor that records nothing (the SDK hands out all-zero ids without one).
     */
    public synchronized Tracer tracer() {
        if (tracer == null) {
            sdk = Sdks.idsOnly();
            tracer = sdk.getTracer(SCOPE);
        }
        return tracer;
    }

    /** What watches the calls of job {@code job}: spans and metrics when exporting, else nothing. */
    public CallObserver calls(String job) {
        return exporting ? Sdks.calls(sdk, job) : CallObserver.NONE;
    }

    /** What watches the pages of job {@code job}: spans and metrics when exporting, else nothing. */
    public PageObserver pages(String job) {
        return exporting ? Sdks.pages(sdk, job) : PageObserver.NONE;
    }

    /**
     * A per-record run of job {@code job} ended: its records written, dead letters and the calls
     * it found in doubt go to the metrics (its commits do not pass through {@link #pages}).
     */
    public void recordRunEnded(String job, long records, long deadLetters, long inDoubt) {
        if (exporting) {
            Sdks.recordRunEnded(sdk, job, records, deadLetters, inDoubt);
        }
    }

    /** An input's lag at the end of a run (entries after its watermark), labelled with the partition. */
    public void recordInputLag(String job, String partition, long entries) {
        if (exporting) {
            Sdks.recordInputLag(sdk, job, partition, entries);
        }
    }

    /**
     * Exports what has ended so far (spans, the metrics' current values), waiting at most
     * {@code timeout}: for a process about to end without {@link #close()} (a hard stop).
     */
    public void flush(Duration timeout) {
        if (exporting) {
            Sdks.flush(sdk, timeout);
        }
    }

    /**
     * Everything that touches the SDK, in a class of its own: the JVM then loads no SDK class for
     * a run without an exporter, not even to verify {@link Telemetry}.
     */
    private static final class Sdks {
        /** Defaults where Sluice differs from the SDK's; any OTEL_* variable overrides them. */
        private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

        private static final Map<String, String> DEFAULTS = Map.of(
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.logs.exporter", "none");

        static OpenTelemetrySdk autoconfigured(String service, Map<String, String> env) {
            return AutoConfiguredOpenTelemetrySdk.builder()
                    .disableShutdownHook() // the run closes it, also on SIGTERM (GracefulStop)
                    .addPropertiesSupplier(() -> DEFAULTS)
                    .addPropertiesCustomizer(config -> OtelVariables.properties(env))
                    .addResourceCustomizer((resource, config) -> named(resource, service))
                    .addSpanExporterCustomizer((exporter, config) -> new MaskedSpans(exporter))
                    .build()
                    .getOpenTelemetrySdk();
        }

        /** The SDK says {@code unknown_service:java} when nothing names the service; Sluice says {@code service}. */
        private static Resource named(Resource resource, String service) {
            String name = resource.getAttribute(SERVICE_NAME);
            if (name != null && !name.startsWith("unknown_service")) {
                return resource;
            }
            return resource.merge(Resource.create(Attributes.of(SERVICE_NAME, service)));
        }

        static CallObserver calls(OpenTelemetrySdk sdk, String job) {
            return new TracedCalls(sdk.getTracer(SCOPE), RunMetrics.of(sdk.getMeter(SCOPE), job));
        }

        static PageObserver pages(OpenTelemetrySdk sdk, String job) {
            return new TracedPages(sdk.getTracer(SCOPE), RunMetrics.of(sdk.getMeter(SCOPE), job));
        }

        static void recordRunEnded(OpenTelemetrySdk sdk, String job, long records, long deadLetters, long inDoubt) {
            RunMetrics metrics = RunMetrics.of(sdk.getMeter(SCOPE), job);
            metrics.page(records, deadLetters);
            metrics.inDoubt(inDoubt);
        }

        static void recordInputLag(OpenTelemetrySdk sdk, String job, String partition, long entries) {
            RunMetrics.of(sdk.getMeter(SCOPE), job).inputLag(partition, entries);
        }

        static void flush(OpenTelemetrySdk sdk, Duration timeout) {
            CompletableResultCode.ofAll(List.of(
                            sdk.getSdkTracerProvider().forceFlush(),
                            sdk.getSdkMeterProvider().forceFlush()))
                    .join(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        static void close(OpenTelemetrySdk sdk) {
            // a SIGTERM interrupts the run's thread; the final export must still be awaited
            boolean interrupted = Thread.interrupted();
            try {
                sdk.shutdown().join(10, TimeUnit.SECONDS);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        static OpenTelemetrySdk idsOnly() {
            SdkTracerProvider tracing = SdkTracerProvider.builder()
                    .setResource(Resource.getDefault())
                    .addSpanProcessor(new IdsOnly())
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

    /** Ends tracing and metrics: exports every ended span and the metrics' last values (at most 10 s). */
    @Override
    public synchronized void close() {
        if (sdk != null) {
            Sdks.close(sdk);
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
