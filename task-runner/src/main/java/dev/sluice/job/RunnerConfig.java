package dev.sluice.job;

import dev.sluice.config.SpecCheck;
import java.time.Duration;

/**
 * {@code runner:} how an attempt holds its partition.
 *
 * @param leaseTtl         how long a lease lives without a heartbeat (default 30s); a crashed
 *                         attempt blocks its partition at most this long
 * @param leaseWait        how long an attempt waits for another live attempt's lease before
 *                         exiting 75 (default: lease_ttl + 5s, enough to take over a crashed one)
 * @param progressInterval how often progress is logged (default 10s)
 */
public record RunnerConfig(Duration leaseTtl, Duration leaseWait, Duration progressInterval) {
    public static final RunnerConfig DEFAULTS = new RunnerConfig(null, null, null);

    public RunnerConfig {
        leaseTtl = leaseTtl == null ? Duration.ofSeconds(30) : leaseTtl;
        leaseWait = leaseWait == null ? leaseTtl.plusSeconds(5) : leaseWait;
        progressInterval = progressInterval == null ? Duration.ofSeconds(10) : progressInterval;
    }

    /** The heartbeat period: a third of the lease, so two heartbeats may fail before it lapses. */
    public Duration heartbeat() {
        return leaseTtl.dividedBy(3);
    }

    void check(SpecCheck check) {
        check.require(leaseTtl.compareTo(Duration.ofSeconds(3)) >= 0, "lease_ttl", "must be at least 3s");
        check.require(!leaseWait.isNegative(), "lease_wait", "must be 0s or more");
        check.require(progressInterval.isPositive(), "progress_interval", "must be more than 0s");
    }
}
