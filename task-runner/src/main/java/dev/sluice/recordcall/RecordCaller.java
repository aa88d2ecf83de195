package dev.sluice.recordcall;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.http.HttpExchange;
import dev.sluice.http.OriginPolicy;
import dev.sluice.http.Request;
import dev.sluice.http.StatusRules;
import dev.sluice.partition.Partition;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.ratelimit.PermitCost;
import dev.sluice.recordcall.internal.Answers;
import dev.sluice.recordcall.internal.CallRequests;
import dev.sluice.source.ApiCalls;
import dev.sluice.source.http.AuthConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes one record's call: builds the request from the templates, opens a span for it (a child of
 * the run's, its traceparent on the request), handles an in-doubt call as the spec says, has the
 * ledger mark it sent, and sends it through the run's call gate (permits, breaker, retries). Only
 * failures that concern the whole run propagate (the API down, a fenced attempt); whatever
 * concerns the record alone comes back as a {@link CallResult}. Thread-safe: calls run
 * concurrently on virtual threads.
 */
public final class RecordCaller implements AutoCloseable {
    /** Told right before the request first leaves: the ledger marks the call sent. */
    @FunctionalInterface
    public interface SendHook {
        void sent(String idempotencyKey, String traceId, String spanId);
    }

    private final CallSpec spec;
    private final CallRequests requests;
    private final ApiCalls calls;
    private final HttpExchange http;
    private final Tracer tracer;
    private final Context parent;
    private final RecordCosts costs;

    /**
     * @param limits the job's shared limits, for the call's {@code cost} in each
     * @param parent the run's trace context: every call's span is its child
     */
    public RecordCaller(
            CallSpec spec,
            List<LimitConfig> limits,
            String job,
            ApiCalls calls,
            Partition partition,
            Tracer tracer,
            Context parent) {
        this.spec = spec;
        this.costs = new RecordCosts(spec.costs(), limits);
        this.requests = new CallRequests(spec, job, partition, gateStatuses(spec.statuses()));
        this.calls = calls;
        this.tracer = tracer;
        this.parent = parent;
        this.http = HttpExchange.open(
                spec.http(),
                OriginPolicy.of(URI.create(spec.url().replaceAll("\\{[^{}]*}", "x")), spec.allowedOrigins(), "strip"),
                AuthConfig.credential(spec.auth(), spec.http()));
    }

    /** Calls the API for one record; {@code inDoubt}: an earlier attempt left it sent. */
    public CallResult call(JsonNode record, String recordKey, boolean inDoubt, SendHook hook) {
        Span span = tracer.spanBuilder("call " + spec.method() + " " + recordKey)
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("sluice.record_key", recordKey)
                .setAttribute("sluice.in_doubt", inDoubt)
                .startSpan();
        String traceId = span.getSpanContext().getTraceId();
        String spanId = span.getSpanContext().getSpanId();
        AtomicInteger attempts = new AtomicInteger();
        try {
            CallRequests.Built built;
            PermitCost cost;
            try {
                built = requests.build(record, recordKey, span);
                cost = costs.of(record);
            } catch (RecordTemplate.MissingFieldException e) {
                return result(
                        CallResult.Kind.UNFIT,
                        null,
                        null,
                        null,
                        e.getMessage() + "; nothing was sent",
                        attempts,
                        span,
                        null,
                        inDoubt);
            }
            if (inDoubt && spec.inDoubtPolicy() == InDoubt.DEAD_LETTER) {
                return result(
                        CallResult.Kind.IN_DOUBT,
                        null,
                        null,
                        null,
                        "in doubt: an earlier attempt sent this call and stopped before its answer was committed; "
                                + "it was not sent again (in_doubt: dead_letter): check the API, then replay it",
                        attempts,
                        span,
                        built.idempotencyKey(),
                        true);
            }
            if (inDoubt && spec.inDoubtPolicy() == InDoubt.CHECK) {
                CallResult applied = checked(record, recordKey, span, attempts, built.idempotencyKey());
                if (applied != null) {
                    return applied;
                }
            }
            hook.sent(built.idempotencyKey(), traceId, spanId);
            Answers.Answer answer = calls.send(
                    http, built.request(), r -> Answers.read(r, spec.statuses()), attempts::incrementAndGet, cost);
            span.setAttribute("http.response.status_code", answer.status());
            return switch (answer) {
                case Answers.Answer.Json json ->
                    result(
                            CallResult.Kind.DONE,
                            json.status(),
                            json.body(),
                            null,
                            null,
                            attempts,
                            span,
                            built.idempotencyKey(),
                            inDoubt);
                case Answers.Answer.Refused refused ->
                    result(
                            CallResult.Kind.REJECTED,
                            refused.status(),
                            null,
                            refused.excerpt(),
                            "the API refused the record with " + refused.status(),
                            attempts,
                            span,
                            built.idempotencyKey(),
                            inDoubt);
                case Answers.Answer.Unreadable bad ->
                    result(
                            CallResult.Kind.UNMAPPABLE,
                            bad.status(),
                            null,
                            bad.excerpt(),
                            "the answer (" + bad.status() + ") is not JSON: " + bad.why(),
                            attempts,
                            span,
                            built.idempotencyKey(),
                            inDoubt);
            };
        } finally {
            span.end();
        }
    }

    /** {@code in_doubt: check}: the GET's answer if it says applied; null when the call must be sent. */
    private CallResult checked(JsonNode record, String recordKey, Span span, AtomicInteger attempts, String key) {
        CheckConfig check = spec.check();
        StatusRules rules =
                new StatusRules(new java.util.HashSet<>(check.applied()), new java.util.HashSet<>(check.absent()));
        Request get = requests.check(record, span);
        Answers.Answer answer = calls.send(http, get, r -> Answers.read(r, rules), attempts::incrementAndGet);
        if (answer instanceof Answers.Answer.Json json) {
            span.setAttribute("sluice.checked", "applied");
            return result(CallResult.Kind.DONE, json.status(), json.body(), null, null, attempts, span, key, true);
        }
        if (answer instanceof Answers.Answer.Refused refused && check.absent().contains(refused.status())) {
            span.setAttribute("sluice.checked", "absent");
            return null;
        }
        return result(
                CallResult.Kind.UNMAPPABLE,
                answer.status(),
                null,
                answer.excerpt(),
                "in doubt, and the check of record " + recordKey + " answered " + answer.status()
                        + ", which is neither applied " + check.applied() + " nor absent " + check.absent(),
                attempts,
                span,
                key,
                true);
    }

    private static CallResult result(
            CallResult.Kind kind,
            Integer status,
            JsonNode response,
            String excerpt,
            String error,
            AtomicInteger attempts,
            Span span,
            String key,
            boolean inDoubt) {
        span.setAttribute("sluice.call.result", kind.name().toLowerCase(java.util.Locale.ROOT));
        return new CallResult(
                kind,
                status,
                response,
                excerpt,
                error,
                attempts.get(),
                span.getSpanContext().getTraceId(),
                span.getSpanContext().getSpanId(),
                key,
                inDoubt);
    }

    /**
     * The gate's rules: every status the spec calls done or reject reaches the parser (so a
     * rejection's body can be kept as the dead letter's excerpt); 429, 408, 5xx and the spec's
     * retry statuses stay the gate's to retry.
     */
    private static StatusRules gateStatuses(StatusRules rules) {
        java.util.Set<Integer> answered = new java.util.HashSet<>();
        for (int s = 100; s <= 599; s++) {
            StatusRules.Verdict v = rules.verdict(s);
            if (v == StatusRules.Verdict.DONE || v == StatusRules.Verdict.REJECT) {
                answered.add(s);
            }
        }
        return new StatusRules(answered, null, rules.retry());
    }

    @Override
    public void close() {
        http.close();
    }
}
