package dev.sluice.call;

import dev.sluice.Sleeper;
import dev.sluice.StartupTrace;
import dev.sluice.breaker.SharedBreaker;
import dev.sluice.db.Database;
import dev.sluice.history.LimitHistory;
import dev.sluice.job.JobSpec;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.ratelimit.SharedLimits;
import dev.sluice.source.ApiCalls;
import dev.sluice.telemetry.CallObserver;
import java.time.Clock;
import java.util.function.Consumer;

/** Builds the call gate of a run from its job spec: the one place limits, breaker and retries meet. */
public final class CallGates {
    private CallGates() {}

    /**
     * What a run's gate is made of besides the spec.
     *
     * @param traceparent the run span's, sent when {@code observer} traces no call spans
     * @param observer    hears of every attempt, retry, pause and breaker state (spans, metrics)
     * @param history     where the gate's permits, calls, 429s and waits are counted per limit
     */
    public record Run(
            Database database,
            CallStats stats,
            String traceparent,
            String owner,
            Clock clock,
            Sleeper sleeper,
            Consumer<String> notices,
            CallObserver observer,
            LimitHistory history) {}

    /**
     * The gate of a run, built on its first call: registering limits and creating breaker rows are
     * writes, which must not happen before the run has checked everything it can (rule 5), and never
     * on runs that make no call (an already complete partition).
     */
    public static ApiCalls lazy(JobSpec spec, Run run) {
        return CallGate.lazy(() -> {
            StartupTrace.mark("first call: opening the gate");
            CallGate gate = open(spec, run);
            StartupTrace.mark("gate open (limits registered)");
            return gate;
        });
    }

    /** The name of a job's shared breaker: its first limit's, else {@code job:<job>}. */
    public static String breakerName(JobSpec spec) {
        return spec.limits().isEmpty()
                ? "job:" + spec.name()
                : spec.limits().getFirst().name();
    }

    /**
     * The gate now: the job's shared limits (registering this job's configuration; a change is
     * reported to {@code notices}) and its breaker (the first limit's name, else the job's).
     */
    public static CallGate open(JobSpec spec, Run run) {
        Database db = run.database();
        LimitHistory.Recorder history = run.history()
                .recorder(spec.limits().stream().map(LimitConfig::name).toList());
        SharedLimits limits = SharedLimits.open(
                db.jdbi(),
                spec.limits(),
                spec.name() + " (" + spec.file() + ")",
                run.clock(),
                run.sleeper(),
                new SharedLimits.PermitEvents() {
                    @Override
                    public void taken(String limit, int granted) {
                        history.permits(limit, granted);
                    }
                });
        run.stats().recordTo(history);
        limits.changedConfigurations()
                .forEach(c -> run.notices().accept("limit " + c + " now has this job's configuration"));
        StartupTrace.mark("limits registered");
        SharedBreaker breaker = new SharedBreaker(
                db.jdbi(), breakerName(spec), spec.breaker(), run.owner(), run.clock(), run.sleeper());
        return new CallGate(run.stats(), run.traceparent(), limits, breaker, spec.retry(), run.clock(), run.observer());
    }
}
