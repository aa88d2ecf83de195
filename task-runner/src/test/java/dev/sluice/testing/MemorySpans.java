package dev.sluice.testing;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;

/**
 * {@code OTEL_TRACES_EXPORTER=sluice-memory}: spans of in-process runs kept in memory for the test
 * (found by autoconfigure through {@code META-INF/services}, as any exporter a user adds would be).
 * Exporters are shut down at the end of each run; this one keeps what it got until {@link #reset()}.
 */
public final class MemorySpans implements ConfigurableSpanExporterProvider {
    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    /** Every span exported since the last reset. */
    public static List<SpanData> finished() {
        return SPANS.getFinishedSpanItems();
    }

    public static void reset() {
        SPANS.reset();
    }

    @Override
    public String getName() {
        return "sluice-memory";
    }

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return SPANS.export(spans);
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess(); // the next run exports here too
            }
        };
    }
}
