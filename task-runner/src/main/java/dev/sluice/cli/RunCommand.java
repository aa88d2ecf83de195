package dev.sluice.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.Sleeper;
import dev.sluice.SluiceException;
import dev.sluice.StartupTrace;
import dev.sluice.call.CallGates;
import dev.sluice.call.CallStats;
import dev.sluice.db.DatabaseAccess;
import dev.sluice.history.HistorySettings;
import dev.sluice.history.LimitHistory;
import dev.sluice.job.JobSpec;
import dev.sluice.lease.AttemptInfo;
import dev.sluice.lease.Owners;
import dev.sluice.partition.Partition;
import dev.sluice.run.PartitionRunner;
import dev.sluice.run.RunRequest;
import dev.sluice.run.RunSummary;
import dev.sluice.source.ApiCalls;
import dev.sluice.telemetry.Telemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice run}: runs one partition; the last stdout line is its JSON summary. */
@Command(
        mixinStandardHelpOptions = true,
        name = "run",
        description = "Run one partition of a job, resuming from its watermark.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    JobOption job;

    @Option(names = "--partition", required = true, paramLabel = "KEY", description = "The partition, e.g. 2026-11-01.")
    String partition;

    @Option(names = "--force", description = "Reprocess from the first page even if the partition is done.")
    boolean force;

    private final AtomicBoolean printed = new AtomicBoolean();
    private final AtomicInteger exit = new AtomicInteger(ExitCode.TEMPORARY.code);
    private GracefulStop stop;
    private volatile Telemetry telemetry;

    /**
     * Runs the partition. SIGTERM or SIGINT stop it wherever it waits: it records the attempt,
     * releases the lease, prints the summary and exits 75, within {@link GracefulStop#GRACE}; after
     * that, or on a second signal, the process ends at once with 75 and a summary saying so.
     */
    @Override
    public Integer call() {
        Map<String, String> env = Environment.current();
        try (GracefulStop signals = GracefulStop.install(this::hardStop)) {
            stop = signals;
            try {
                RunSummary summary = run(env);
                exit.set(summary.exitCode());
                print(summary);
            } catch (SluiceException e) {
                exit.set(stopAware(ExitCode.of(e)).code);
                if (exit.get() == ExitCode.SOFTWARE.code) {
                    Console.bug("run", e);
                } else {
                    Console.error(e.getMessage());
                }
                print(failure(e));
            } catch (RuntimeException e) {
                exit.set(stopAware(ExitCode.SOFTWARE).code);
                if (exit.get() != ExitCode.SOFTWARE.code) {
                    print(new EarlyFailure(
                            spec(),
                            partition,
                            "retry_later",
                            exit.get(),
                            "stopped on request (SIGTERM) while starting or ending the run ("
                                    + e.getClass().getSimpleName()
                                    + "); a retry resumes from the last committed page"));
                    return exit.get();
                }
                throw e;
            } finally {
                signals.finished();
            }
        }
        return exit.get();
    }

    /** A failure an interrupted stop caused anywhere (start-up, the database) is the stop: 75, never 70. */
    private ExitCode stopAware(ExitCode code) {
        return stop.requested() && code == ExitCode.SOFTWARE ? ExitCode.TEMPORARY : code;
    }

    /** One summary line per run, whoever prints first (the run, or a hard stop). */
    private void print(Object summary) {
        if (printed.compareAndSet(false, true)) {
            Console.result(summary);
        }
    }

    /** Ends the process now: {@code why} says why the run could not stop in order (null: it did). */
    private void hardStop(String why) {
        if (why != null) {
            exit.set(ExitCode.TEMPORARY.code);
            String message = "stopped by a signal: " + why + "; the process ends now, so the attempt may not be"
                    + " recorded (its lease lapses after runner.lease_ttl) and a retry resumes from the last"
                    + " committed page";
            Console.error(message);
            print(new EarlyFailure(spec(), partition, "retry_later", exit.get(), message));
        }
        Telemetry exporting = telemetry;
        if (why != null && exporting != null) {
            exporting.flush(Duration.ofSeconds(1)); // what has ended so far, and the metrics' last values
        }
        synchronized (Console.class) { // never cut a summary line that is being printed
            System.out.flush();
            Runtime.getRuntime().halt(exit.get());
        }
    }

    private String spec() {
        return job == null || job.file == null ? null : job.file.toString();
    }

    private RunSummary run(Map<String, String> env) {
        StartupTrace.mark("run command parsed");
        JobSpec spec = job.load();
        StartupTrace.mark("spec loaded");
        Partition parsed = spec.partitions().parse(partition);
        HistorySettings historySettings = HistorySettings.fromEnv(env);
        try (Telemetry telemetry = Telemetry.create("sluice", env)) {
            this.telemetry = telemetry;
            Span span = startSpan(telemetry, spec, env);
            StartupTrace.mark("telemetry ready");
            try (Scope current = span.makeCurrent(); // pages and calls are its children
                    DatabaseAccess db =
                            DatabaseAccess.open(env, "sluice " + spec.name() + "/" + partition, Console::warn)) {
                StartupTrace.mark("database open");
                String traceId = span.getSpanContext().getTraceId();
                String owner = Owners.newOwner();
                CallStats stats = new CallStats();
                Clock clock = Clock.systemUTC();
                try (LimitHistory history =
                                LimitHistory.start(db.database().jdbi(), historySettings, clock, Console::warn);
                        ApiCalls calls = CallGates.lazy(
                                spec,
                                new CallGates.Run(
                                        db.database(),
                                        stats,
                                        Telemetry.traceparent(span),
                                        owner,
                                        clock,
                                        Sleeper.SYSTEM,
                                        Console::info,
                                        telemetry.calls(spec.name()),
                                        history))) {
                    PartitionRunner runner = new PartitionRunner(
                            spec,
                            db.database(),
                            calls,
                            stats,
                            clock,
                            Sleeper.SYSTEM,
                            o -> ExitCode.of(o).code,
                            traceId,
                            env,
                            telemetry.pages(spec.name()),
                            // per-record calls' spans, children of the run's (current) span; only per-record
                            // jobs ask for it, so a pull run without an exporter loads no SDK class
                            spec.call() != null
                                    ? telemetry.tracer()
                                    : TracerProvider.noop().get("sluice"));
                    RunSummary summary = runner.run(
                            new RunRequest(parsed, force, AttemptInfo.fromEnv(env, owner, traceId)), stop::requested);
                    if (spec.call() != null) {
                        telemetry.recordRunEnded(
                                spec.name(),
                                summary.records(),
                                summary.deadLetters(),
                                summary.inDoubt() == null ? 0 : summary.inDoubt());
                    }
                    if (summary.lag() != null) {
                        telemetry.recordInputLag(spec.name(), summary.partition(), summary.lag());
                    }
                    span.setAttribute("sluice.status", summary.status());
                    span.setAttribute("sluice.exit_code", summary.exitCode());
                    if (summary.exitCode() != ExitCode.OK.code) {
                        span.setStatus(StatusCode.ERROR, summary.message()); // the exporter masks it
                    }
                    return summary;
                } // closing the gate hands back unused permits, then the history writes its last seconds
            } finally {
                span.end();
            }
        } // closing telemetry exports the last spans and metrics, also after a SIGTERM
    }

    /** The run's span (continuing Airflow's TRACEPARENT); its trace id goes into every log line. */
    private Span startSpan(Telemetry telemetry, JobSpec spec, Map<String, String> env) {
        Span span = telemetry.startSpan(
                "sluice run " + spec.name() + "/" + partition,
                env,
                Attributes.builder()
                        .put("sluice.job", spec.name())
                        .put("sluice.partition", partition)
                        .build());
        MDC.put("trace_id", span.getSpanContext().getTraceId());
        MDC.put("job", spec.name());
        MDC.put("partition", partition);
        return span;
    }

    private EarlyFailure failure(SluiceException e) {
        return new EarlyFailure(spec(), partition, "failed", exit.get(), e.getMessage());
    }

    /** The summary of a run that failed before its partition started (bad spec or partition, no database). */
    record EarlyFailure(
            String spec,
            String partition,
            String status,

            @JsonProperty("exit_code") int exitCode,

            String message) {
        EarlyFailure {
            status = exitCode == ExitCode.TEMPORARY.code ? "retry_later" : status;
        }
    }
}
