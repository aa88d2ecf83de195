package dev.sluice.telemetry;

import dev.sluice.Masking;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;

/**
 * Spans as they leave the process: name, attributes, events and status description with every
 * known secret masked ({@link Masking}), whatever code set them.
 */
final class MaskedSpans implements SpanExporter {
    private final SpanExporter exporter;

    MaskedSpans(SpanExporter exporter) {
        this.exporter = exporter;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return exporter.export(spans.stream().<SpanData>map(Masked::new).toList());
    }

    @Override
    public CompletableResultCode flush() {
        return exporter.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return exporter.shutdown();
    }

    private static final class Masked extends DelegatingSpanData {
        Masked(SpanData span) {
            super(span);
        }

        @Override
        public String getName() {
            return Masking.mask(super.getName());
        }

        @Override
        public Attributes getAttributes() {
            return masked(super.getAttributes());
        }

        @Override
        public List<EventData> getEvents() {
            return super.getEvents().stream()
                    .map(e -> EventData.create(
                            e.getEpochNanos(),
                            Masking.mask(e.getName()),
                            masked(e.getAttributes()),
                            e.getTotalAttributeCount()))
                    .toList();
        }

        @Override
        public StatusData getStatus() {
            StatusData status = super.getStatus();
            return StatusData.create(status.getStatusCode(), Masking.mask(status.getDescription()));
        }
    }

    @SuppressWarnings("unchecked")
    static Attributes masked(Attributes attributes) {
        AttributesBuilder out = Attributes.builder();
        attributes.forEach((key, value) -> {
            if (key.getType() == AttributeType.STRING) {
                out.put(AttributeKey.stringKey(key.getKey()), Masking.mask((String) value));
            } else if (key.getType() == AttributeType.STRING_ARRAY) {
                out.put(
                        AttributeKey.stringArrayKey(key.getKey()),
                        ((List<String>) value).stream().map(Masking::mask).toList());
            } else {
                out.put((AttributeKey<Object>) key, value);
            }
        });
        return out.build();
    }
}
