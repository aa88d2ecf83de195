package dev.sluice.run;

import dev.sluice.lease.AttemptCounts;
import dev.sluice.lease.Lease;
import dev.sluice.lease.Leases;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a lease alive while a page takes long (slow API, long waits for permits). Page commits
 * extend the lease too; this covers the time between them. If the lease turns out lost (a
 * takeover or a reset), {@link #lost()} says so and the run stops before its next page. Each beat
 * also stores the attempt's call counts, so an attempt killed outright keeps them up to its last beat.
 */
final class Heartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("sluice-heartbeat").factory());
    private volatile boolean lost;

    Heartbeat(Leases leases, Lease lease, Duration every, Supplier<AttemptCounts> counts) {
        timer.scheduleWithFixedDelay(
                () -> beat(leases, lease, counts), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beat(Leases leases, Lease lease, Supplier<AttemptCounts> counts) {
        try {
            if (!leases.heartbeat(lease, counts.get())) {
                lost = true;
                LOG.warn(
                        "lease on {}/{} (epoch {}) was taken over or reset; stopping after the current page",
                        lease.job(),
                        lease.partition(),
                        lease.epoch());
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "heartbeat for {}/{} failed ({}); the lease lapses if this lasts",
                    lease.job(),
                    lease.partition(),
                    e.getMessage());
        }
    }

    boolean lost() {
        return lost;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
