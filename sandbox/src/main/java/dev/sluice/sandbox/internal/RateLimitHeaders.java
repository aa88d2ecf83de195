package dev.sluice.sandbox.internal;

import io.javalin.http.Context;

/**
 * Writes the rate-limit headers: {@code Retry-After} on 429, the IETF draft's
 * {@code RateLimit-Policy} and {@code RateLimit} (draft-ietf-httpapi-ratelimit-headers), and the
 * common {@code X-RateLimit-*} trio, on every response the limiter decided.
 */
final class RateLimitHeaders {
    private static final long SECOND = 1_000_000_000L;

    private RateLimitHeaders() {}

    static void write(Context ctx, String policyHeader, Decision d) {
        if (!d.admitted()) {
            ctx.header("Retry-After", Long.toString(d.retryAfterSeconds()));
        }
        Quota q = d.quota();
        if (q == null) {
            return;
        }
        ctx.header("RateLimit-Policy", policyHeader);
        ctx.header("RateLimit", "\"%s\";r=%d;t=%d".formatted(q.policy(), q.remaining(), q.resetSeconds()));
        ctx.header("X-RateLimit-Limit", Long.toString(q.limit()));
        ctx.header("X-RateLimit-Remaining", Long.toString(q.remaining()));
        ctx.header("X-RateLimit-Reset", Long.toString(Math.ceilDiv(d.nowNanos(), SECOND) + q.resetSeconds()));
    }
}
