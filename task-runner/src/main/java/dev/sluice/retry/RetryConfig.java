package dev.sluice.retry;

import dev.sluice.config.SpecCheck;
import java.time.Duration;

/**
 * {@code retry:} how one API call is retried: network errors, timeouts, 408, 429, 5xx and malformed
 * bodies are retried with exponential backoff and upward jitter; other 4xx are not. A 429's
 * {@code Retry-After} is honoured and never undercut (and pauses every process sharing the limit).
 * Each retry takes a permit from the shared limits, like any call.
 *
 * @param maxAttempts  attempts per call, the first included (default 5)
 * @param initialDelay the first backoff (default 500ms), doubled by {@code factor} each retry
 * @param maxDelay     the largest backoff (default 30s); a longer Retry-After still wins
 * @param factor       backoff multiplier (default 2)
 * @param jitter       random extra delay, as a fraction of the backoff (default 0.25); only upward,
 *                     so Retry-After is never undercut
 * @param maxDuration  the most time one call may spend retrying (default 10m)
 */
public record RetryConfig(
        Integer maxAttempts,
        Duration initialDelay,
        Duration maxDelay,
        Double factor,
        Double jitter,
        Duration maxDuration) {
    public static final RetryConfig DEFAULTS = new RetryConfig(null, null, null, null, null, null);

    public RetryConfig {
        maxAttempts = maxAttempts == null ? 5 : maxAttempts;
        initialDelay = initialDelay == null ? Duration.ofMillis(500) : initialDelay;
        maxDelay = maxDelay == null ? Duration.ofSeconds(30) : maxDelay;
        factor = factor == null ? 2.0 : factor;
        jitter = jitter == null ? 0.25 : jitter;
        maxDuration = maxDuration == null ? Duration.ofMinutes(10) : maxDuration;
    }

    public void check(SpecCheck check) {
        check.require(maxAttempts >= 1 && maxAttempts <= 100, "max_attempts", "must be from 1 to 100");
        check.require(initialDelay.isPositive(), "initial_delay", "must be more than 0s");
        check.require(maxDelay.compareTo(initialDelay) >= 0, "max_delay", "must be at least initial_delay");
        check.require(factor >= 1.0 && factor <= 10, "factor", "must be from 1 to 10");
        check.require(jitter >= 0 && jitter <= 1, "jitter", "must be from 0 to 1 (a fraction of the backoff)");
        check.require(maxDuration.isPositive(), "max_duration", "must be more than 0s");
    }
}
