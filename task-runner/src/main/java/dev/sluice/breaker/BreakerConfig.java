package dev.sluice.breaker;

import dev.sluice.config.SpecCheck;
import java.time.Duration;

/**
 * {@code breaker:} when the API is down, every partition stops calling it. The breaker is shared
 * through PostgreSQL (one per limit, or per API host when a job names no limit): after
 * {@code failure_threshold} consecutive failed calls (network errors, timeouts, 5xx; not 429 or
 * other 4xx) from any process it opens for {@code open_for}; then one process probes, and its
 * success closes it for all.
 *
 * @param failureThreshold consecutive failures that open it (default 5)
 * @param openFor          how long it stays open before a probe (default 30s)
 * @param probeTimeout     how long a probe may take before another process may probe (default 2m)
 */
public record BreakerConfig(Integer failureThreshold, Duration openFor, Duration probeTimeout) {
    public static final BreakerConfig DEFAULTS = new BreakerConfig(null, null, null);

    public BreakerConfig {
        failureThreshold = failureThreshold == null ? 5 : failureThreshold;
        openFor = openFor == null ? Duration.ofSeconds(30) : openFor;
        probeTimeout = probeTimeout == null ? Duration.ofMinutes(2) : probeTimeout;
    }

    public void check(SpecCheck check) {
        check.require(failureThreshold >= 1, "failure_threshold", "must be at least 1");
        check.require(openFor.isPositive(), "open_for", "must be more than 0s");
        check.require(probeTimeout.isPositive(), "probe_timeout", "must be more than 0s");
    }
}
