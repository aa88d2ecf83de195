package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.Dataset;
import dev.sluice.sandbox.SandboxConfig;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** Everything a running sandbox knows: the live settings and the state that outlives them. */
final class SandboxState {
    final InstantSource clock;
    final RecordLedger records = new RecordLedger();
    final OAuthTokens tokens = new OAuthTokens();
    final StatsRecorder stats = new StatsRecorder(records::summary);
    final FaultInjector faults = new FaultInjector();
    final PartitionFailures failures = new PartitionFailures();
    final Outages outages;
    final Events events = new Events();
    private volatile Live live;

    SandboxState(SandboxConfig config, InstantSource clock) {
        this.clock = clock;
        this.outages = new Outages(clock.instant(), config.outages());
        this.failures.setAll(config.failFirst(), config.failAt());
        this.live = new Live(config, Dataset.of(config), limiter(config));
    }

    Live live() {
        return live;
    }

    /**
     * Applies a change. The rate limiter keeps its state unless the limits (of requests or units) or the floor changed;
     * outage windows and partition fail windows are re-armed only when they changed.
     */
    synchronized SandboxConfig reconfigure(UnaryOperator<SandboxConfig> change) {
        SandboxConfig old = live.config();
        SandboxConfig next = Objects.requireNonNull(change.apply(old), "reconfigure returned null");
        boolean sameLimits = next.limits().equals(old.limits())
                && next.retryAfterFloor().equals(old.retryAfterFloor())
                && next.records().unitLimits().equals(old.records().unitLimits());
        if (!next.outages().equals(old.outages())) {
            outages.configure(next.outages());
        }
        if (!next.failFirst().equals(old.failFirst()) || !next.failAt().equals(old.failAt())) {
            failures.setAll(next.failFirst(), next.failAt());
        }
        live = new Live(next, Dataset.of(next), sameLimits ? live.limiter() : limiter(next));
        return next;
    }

    private RateLimiter limiter(SandboxConfig config) {
        return new RateLimiter(
                config.limits(), config.records().unitLimits(), config.retryAfterFloor(), clock, stats::limitAdmitted);
    }
}
