package dev.sluice.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * A span per page, from its first call to its commit (the calls are its children), and the
 * records and dead-letter metrics.
 */
final class TracedPages implements PageObserver {
    private static final AttributeKey<Long> PAGE = AttributeKey.longKey("sluice.page");
    private static final AttributeKey<Long> RECORDS = AttributeKey.longKey("sluice.records");
    private static final AttributeKey<Long> DEAD = AttributeKey.longKey("sluice.dead_letters");

    private final Tracer tracer;
    private final RunMetrics metrics;

    TracedPages(Tracer tracer, RunMetrics metrics) {
        this.tracer = tracer;
        this.metrics = metrics;
    }

    @Override
    public Page started(long number) {
        Span span = tracer.spanBuilder("page").setAttribute(PAGE, number).startSpan();
        Scope scope = span.makeCurrent();
        return new Page() {
            @Override
            public void committed(long records, long deadLetters) {
                metrics.page(records, deadLetters);
                span.setAttribute(RECORDS, records);
                span.setAttribute(DEAD, deadLetters);
            }

            @Override
            public void failed(Throwable failure) {
                span.setStatus(StatusCode.ERROR, failure.getMessage()); // the exporter masks it
            }

            @Override
            public void close() {
                scope.close();
                span.end();
            }
        };
    }
}
