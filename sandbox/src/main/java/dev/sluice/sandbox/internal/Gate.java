package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.FaultKind;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * What every API request goes through, in this order: counting, outage (503), auth (401), cost
 * (400 when invalid), rate limits (429), then faults drawn for admitted requests: latency, partition fail windows
 * (fail-first, fail-at: 503), injected errors (500/503). Outages and 401s do not consume quota; a refused request
 * never does.
 */
final class Gate {
    private final SandboxState state;

    Gate(SandboxState state) {
        this.state = state;
    }

    /** The admitted request's remaining faults (reset, malformed), or null if it was answered here. */
    FaultPlan pass(Context ctx, String partition) throws InterruptedException {
        return pass(ctx, partition, new OAuthAccess(state, OAuthAccess.STATIC_OR_TOKENS));
    }

    /** As {@link #pass(Context, String)}, with the auth and cost rules of {@code access}. */
    FaultPlan pass(Context ctx, String partition, Access access) throws InterruptedException {
        Live live = state.live();
        Instant at = state.clock.instant();
        state.stats.request(at, partition);
        if (state.outages.active(at)) {
            return fail(ctx, FaultKind.OUTAGE, 503, "the API is down (sandbox outage)");
        }
        Access.Unauthorized denied = access.check(ctx, live, at);
        if (denied != null) {
            ctx.header("WWW-Authenticate", denied.challenge());
            return refuse(ctx, 401, denied.code(), denied.message());
        }
        Decision decision = live.limiter().acquire(access.cost(ctx, live));
        RateLimitHeaders.write(ctx, live.limiter().policyHeader(), decision);
        if (!decision.admitted()) {
            state.stats.rateLimited(decision.early());
            Replies.error(
                    ctx,
                    429,
                    "rate_limited",
                    "rate limit exceeded; retry after " + decision.retryAfterSeconds() + " s"
                            + (decision.early() ? " (you came back too early)" : ""));
            return null;
        }
        state.stats.admitted(decision.nowNanos());
        return faults(ctx, live, partition);
    }

    private FaultPlan faults(Context ctx, Live live, String partition) throws InterruptedException {
        FaultPlan plan = state.faults.draw(live.config().seed(), live.config().faults());
        if (plan.delay().isPositive()) {
            Thread.sleep(plan.delay());
        }
        String rule = state.failures.failNext(partition);
        if (rule != null) {
            return fail(
                    ctx,
                    FaultKind.PARTITION_FAILURE,
                    503,
                    "partition " + partition + " is failing (sandbox " + rule + ")");
        }
        if (plan.fault() == FaultKind.ERROR_500 || plan.fault() == FaultKind.ERROR_503) {
            int status = plan.fault() == FaultKind.ERROR_500 ? 500 : 503;
            return fail(ctx, plan.fault(), status, "injected server error");
        }
        return plan;
    }

    private FaultPlan fail(Context ctx, FaultKind kind, int status, String message) {
        state.stats.fault(kind);
        Replies.error(ctx, status, kind.key(), message);
        return null;
    }

    private FaultPlan refuse(Context ctx, int status, String code, String message) {
        state.stats.status(status);
        Replies.error(ctx, status, code, message);
        return null;
    }
}
