package dev.sluice.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sluice.Sleeper;
import dev.sluice.SluiceException;
import dev.sluice.call.CallGates;
import dev.sluice.call.CallStats;
import dev.sluice.db.DatabaseAccess;
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
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    @Mixin
    JobOption job;

    @Option(names = "--partition", required = true, paramLabel = "KEY", description = "The partition, e.g. 2026-11-01.")
    String partition;

    @Option(names = "--force", description = "Reprocess from the first page even if the partition is done.")
    boolean force;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicInteger exit = new AtomicInteger(ExitCode.TEMPORARY.code);

    @Override
    public Integer call() {
        Map<String, String> env = Environment.current();
        Thread hook = Thread.ofPlatform().unstarted(this::stopGracefully);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            RunSummary summary = run(env);
            exit.set(summary.exitCode());
            Console.result(summary);
        } catch (SluiceException e) {
            exit.set(ExitCode.of(e).code);
            if (ExitCode.of(e) == ExitCode.SOFTWARE) {
                Console.bug("run", e);
            } else {
                Console.error(e.getMessage());
            }
            Console.result(failure(e));
        } catch (RuntimeException e) {
            exit.set(ExitCode.SOFTWARE.code); // the shutdown hook exits with this code too
            throw e;
        } finally {
            finished.countDown();
            removeHook(hook);
        }
        return exit.get();
    }

    private RunSummary run(Map<String, String> env) {
        JobSpec spec = job.load();
        Partition parsed = spec.partitions().parse(partition);
        try (Telemetry telemetry = Telemetry.create("sluice-runner", env)) {
            Span span = startSpan(telemetry, spec, env);
            try (DatabaseAccess db =
                            DatabaseAccess.open(env, "sluice " + spec.name() + "/" + partition, Console::warn);
                    HttpClient http = CallGates.httpClient(CONNECT_TIMEOUT)) {
                String traceId = span.getSpanContext().getTraceId();
                String owner = Owners.newOwner();
                CallStats stats = new CallStats();
                Clock clock = Clock.systemUTC();
                ApiCalls calls = CallGates.lazy(
                        spec,
                        new CallGates.Run(
                                db.database(),
                                http,
                                stats,
                                Telemetry.traceparent(span),
                                owner,
                                clock,
                                Sleeper.SYSTEM,
                                Console::info));
                PartitionRunner runner = new PartitionRunner(
                        spec,
                        db.database(),
                        calls,
                        stats,
                        clock,
                        Sleeper.SYSTEM,
                        o -> ExitCode.of(o).code,
                        traceId,
                        env);
                RunSummary summary =
                        runner.run(new RunRequest(parsed, force, AttemptInfo.fromEnv(env, owner, traceId)), stop::get);
                span.setAttribute("sluice.status", summary.status());
                return summary;
            } finally {
                span.end();
            }
        }
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
        return new EarlyFailure(
                job == null || job.file == null ? null : job.file.toString(),
                partition,
                "failed",
                ExitCode.of(e).code,
                e.getMessage());
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

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping (SIGTERM): the hook is running and ends the process
        }
    }

    /** SIGTERM: stop after the page in flight, record the attempt, print the summary, exit 75. */
    private void stopGracefully() {
        stop.set(true);
        try {
            if (finished.await(25, TimeUnit.SECONDS)) {
                System.out.flush();
                Runtime.getRuntime().halt(exit.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
