package dev.sluice.sandbox.internal;

/**
 * What the rate-limit headers say about one limit.
 *
 * @param policy        the policy name ({@code default}, {@code limit2}, or the spec's name)
 * @param limit         requests per window (or refill per period for buckets)
 * @param windowSeconds the window in whole seconds (at least 1)
 * @param remaining     requests left now
 * @param resetSeconds  whole seconds until the full quota is back, rounded up
 */
record Quota(String policy, long limit, long windowSeconds, long remaining, long resetSeconds) {}
