package dev.sluice.telemetry;

import dev.sluice.http.Request;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A CLIENT span per HTTP request (HTTP semantic conventions, plus the limit, permit wait and
 * attempt), events for 429s, retries, pauses and breaker changes, and the call metrics. The span is
 * current while the request is out, so its id is the request's {@code traceparent}.
 */
final class TracedCalls implements CallObserver {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
    private static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");
    private static final AttributeKey<Long> PORT = AttributeKey.longKey("server.port");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("sluice.attempt");
    private static final AttributeKey<Long> WAIT = AttributeKey.longKey("sluice.permit_wait_ms");
    private static final AttributeKey<Long> DELAY = AttributeKey.longKey("sluice.delay_ms");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("sluice.reason");

    private final Tracer tracer;
    private final RunMetrics metrics;
    private final Map<String, String> breakers = new ConcurrentHashMap<>();

    TracedCalls(Tracer tracer, RunMetrics metrics) {
        this.tracer = tracer;
        this.metrics = metrics;
    }

    @Override
    public Attempt sending(Request request, List<String> limits, int attempt, long permitWaitNanos) {
        String limit = limit(limits);
        metrics.permitWait(limit, permitWaitNanos);
        Span span = tracer.spanBuilder(request.method())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(METHOD, request.method())
                .setAttribute(URL, SpanUrls.full(request.uri()))
                .setAttribute(SERVER, request.uri().getHost())
                .setAttribute(PORT, (long) SpanUrls.port(request.uri()))
                .setAttribute(RunMetrics.LIMIT, limit)
                .setAttribute(WAIT, permitWaitNanos / 1_000_000)
                .setAttribute(ATTEMPT, (long) attempt)
                .startSpan();
        return new Traced(span, span.makeCurrent(), limit);
    }

    @Override
    public void retrying(List<String> limits, int next, Duration delay, String why) {
        metrics.retry(limit(limits));
        Span.current().addEvent("retry", Attributes.of(ATTEMPT, (long) next, DELAY, delay.toMillis(), REASON, why));
    }

    @Override
    public void paused(List<String> limits, Duration length, String why) {
        Span.current()
                .addEvent(
                        "pause", Attributes.of(RunMetrics.LIMIT, limit(limits), DELAY, length.toMillis(), REASON, why));
    }

    @Override
    public void breakerSeen(String breaker, String state) {
        metrics.breaker(breaker, state);
        String before = breakers.put(breaker, state);
        if (before != null && !before.equals(state)) {
            Span.current()
                    .addEvent(
                            "breaker " + state,
                            Attributes.of(
                                    RunMetrics.BREAKER,
                                    breaker,
                                    AttributeKey.stringKey("sluice.breaker.previous"),
                                    before));
        }
    }

    @Override
    public void quotaRemaining(List<String> limits, long remaining) {
        metrics.quotaRemaining(limit(limits), remaining);
    }

    /** The limits a call went through, as one label ({@code none} without limits). */
    private static String limit(List<String> limits) {
        return limits.isEmpty() ? "none" : String.join(",", limits);
    }

    private final class Traced implements Attempt {
        private final Span span;
        private final Scope scope;
        private final String limit;
        private String statusClass = "error"; // until the API answers

        Traced(Span span, Scope scope, String limit) {
            this.span = span;
            this.scope = scope;
            this.limit = limit;
        }

        @Override
        public String traceparent(String runs) {
            return Telemetry.traceparent(span);
        }

        @Override
        public void answered(int status) {
            statusClass = RunMetrics.statusClass(status);
            span.setAttribute(STATUS, (long) status);
            if (status >= 400) {
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
        }

        @Override
        public void rateLimited(Duration retryAfter) {
            metrics.rateLimited(limit);
            span.addEvent(
                    "rate_limited",
                    retryAfter == null ? Attributes.empty() : Attributes.of(DELAY, retryAfter.toMillis()));
        }

        @Override
        public void failed(Throwable failure) {
            if (span.isRecording() && "error".equals(statusClass)) {
                span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            }
            span.setStatus(StatusCode.ERROR, failure.getMessage()); // the exporter masks it
        }

        @Override
        public void close() {
            metrics.call(limit, statusClass);
            scope.close();
            span.end();
        }
    }
}
