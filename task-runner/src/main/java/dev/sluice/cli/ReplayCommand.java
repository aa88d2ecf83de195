package dev.sluice.cli;

import dev.sluice.Sleeper;
import dev.sluice.UsageException;
import dev.sluice.call.CallGates;
import dev.sluice.call.CallStats;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseAccess;
import dev.sluice.history.HistorySettings;
import dev.sluice.history.LimitHistory;
import dev.sluice.job.JobSpec;
import dev.sluice.lease.Owners;
import dev.sluice.run.RecordReplay;
import dev.sluice.source.ApiCalls;
import dev.sluice.telemetry.Telemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.MDC;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice replay}: re-runs the dead letters of a per-record job after a fix, through the same
 * call path as {@code sluice run}; clears those that succeed, keeps the rest with their new error.
 * The last stdout line is a JSON summary; exit 0 when every replayed dead letter cleared, 65 when
 * some still fail, 75 when the API is down or an attempt runs the partition, 78 for a spec error, 64 when the
 * job has no call or an id is not one of its dead letters.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "replay",
        description = "Call the API again for the dead letters of a per-record job (after a fix); clear those that"
                + " succeed, keep the others with their new error.")
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    JobOption job;

    @Option(names = "--partition", paramLabel = "KEY", description = "Only this partition's dead letters.")
    String partition;

    @Option(
            names = "--ids",
            split = ",",
            paramLabel = "ID",
            description = "Only these dead letters (ids as sluice dead-letters shows them), e.g. --ids 12,15.")
    List<Long> ids = List.of();

    @Override
    public Integer call() {
        Map<String, String> env = Environment.current();
        JobSpec spec = job.load();
        check(spec, partition);
        try (DatabaseAccess db = DatabaseAccess.open(env, "sluice replay " + spec.name(), Console::warn)) {
            Replayed replayed = replay(spec, env, db.database(), partition, ids);
            return report(spec, replayed.result(), replayed.traceId());
        }
    }

    /** A job without a call, or a bad partition key, is a usage error before any call. */
    private static void check(JobSpec spec, String partition) {
        if (spec.call() == null) {
            throw new UsageException(
                    "job " + spec.name() + " (" + spec.file() + ") has no call: section: replay re-runs"
                            + " the dead letters of per-record jobs; re-run a pull job's partition with sluice run --force");
        }
        if (partition != null) {
            spec.partitions().parse(partition);
        }
    }

    /** What a replay did, and the trace its calls belong to. */
    record Replayed(RecordReplay.Result result, String traceId) {}

    /**
     * Replays the dead letters of per-record job {@code spec} (of {@code partition} when not null,
     * of {@code ids} when not empty) through the same call path as a run: shared limits, breaker,
     * retries, ledger, limit history and telemetry. For this command and the admin server's route.
     */
    static Replayed replay(JobSpec spec, Map<String, String> env, Database database, String partition, List<Long> ids) {
        check(spec, partition);
        try (Telemetry telemetry = Telemetry.create("sluice", env)) {
            Span span = telemetry.startSpan(
                    "sluice replay " + spec.name(),
                    env,
                    Attributes.builder().put("sluice.job", spec.name()).build());
            String traceId = span.getSpanContext().getTraceId();
            String owner = Owners.newOwner();
            MDC.put("trace_id", traceId);
            Clock clock = Clock.systemUTC();
            try (LimitHistory history =
                            LimitHistory.start(database.jdbi(), HistorySettings.fromEnv(env), clock, Console::warn);
                    ApiCalls calls = CallGates.lazy(
                            spec,
                            new CallGates.Run(
                                    database,
                                    new CallStats(),
                                    Telemetry.traceparent(span),
                                    owner,
                                    clock,
                                    Sleeper.SYSTEM,
                                    Console::info,
                                    telemetry.calls(spec.name()),
                                    history));
                    Scope current = span.makeCurrent()) {
                return new Replayed(
                        new RecordReplay(spec, database, calls, telemetry.tracer(), owner)
                                .replay(partition, ids, () -> false),
                        traceId);
            } finally {
                span.end();
                MDC.remove("trace_id");
            }
        }
    }

    private static int report(JobSpec spec, RecordReplay.Result result, String traceId) {
        ExitCode exit = result.stillFailing().isEmpty() ? ExitCode.OK : ExitCode.DATA;
        Console.info(
                "{}: replayed {} dead letter(s): {} cleared, {} still failing {}{}",
                spec.name(),
                result.replayed(),
                result.cleared(),
                result.stillFailing().size(),
                result.stillFailing(),
                result.notReplayable().isEmpty()
                        ? ""
                        : "; not replayable (input that could not be read; fix the input and re-run the partition): "
                                + result.notReplayable());
        Console.result(Console.fields(
                "job", spec.name(),
                "status", exit == ExitCode.OK ? "done" : "dead_letters_remain",
                "exit_code", exit.code,
                "replayed", result.replayed(),
                "cleared", result.cleared(),
                "still_failing", result.stillFailing(),
                "not_replayable", result.notReplayable(),
                "trace_id", traceId));
        return exit.code;
    }
}
