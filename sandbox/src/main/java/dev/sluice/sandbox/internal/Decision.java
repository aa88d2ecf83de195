package dev.sluice.sandbox.internal;

/**
 * The rate limiter's answer to one request.
 *
 * @param nowNanos          when it was decided, in nanoseconds since the epoch
 * @param admitted          true if the request may proceed
 * @param early             true if it came before the deadline of an earlier 429
 * @param retryAfterSeconds for a refusal, the announced {@code Retry-After}
 * @param quota             the limit the headers describe (the tightest, or the one that refused);
 *                          null when no limits are configured
 */
record Decision(long nowNanos, boolean admitted, boolean early, long retryAfterSeconds, Quota quota) {}
