package dev.sluice.cli;

import dev.sluice.job.JobSpec;
import dev.sluice.lease.AttemptHistory;
import dev.sluice.lease.AttemptRecord;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sluice attempts}: the attempt history of a job's partitions. Read-only. */
@Command(
        mixinStandardHelpOptions = true,
        name = "attempts",
        description = "Show the latest attempts of a job: status, exit code, pages, records, API calls, 429s, "
                + "retries, permit wait, dead letters.")
final class AttemptsCommand extends ViewCommand<List<AttemptRecord>> {
    private static final String ROW = "%-22s %5s %-8s %4s %7s %9s %7s %5s %5s %7s %9s  %-20s  %s";

    @Mixin
    JobOption job;

    @Mixin
    HistoryOptions options;

    private JobSpec spec;

    @Override
    String prepare() {
        spec = job.load();
        options.check(spec);
        return "sluice attempts " + spec.name();
    }

    @Override
    List<AttemptRecord> read(Jdbi jdbi) {
        return new AttemptHistory(jdbi).latest(spec.name(), options.partition, options.limit);
    }

    @Override
    boolean json() {
        return options.json;
    }

    @Override
    Object json(List<AttemptRecord> attempts) {
        return Console.fields("job", spec.name(), "attempts", attempts);
    }

    @Override
    void table(List<AttemptRecord> attempts) {
        Console.line(String.format(
                ROW,
                "PARTITION",
                "EPOCH",
                "STATUS",
                "EXIT",
                "PAGES",
                "RECORDS",
                "CALLS",
                "DEAD",
                "429",
                "RETRIES",
                "WAIT_MS",
                "STARTED",
                "MESSAGE"));
        for (AttemptRecord a : attempts) {
            Console.line(String.format(
                    ROW,
                    a.partition(),
                    a.epoch(),
                    a.status(),
                    a.exitCode() == null ? "" : a.exitCode(),
                    a.pages(),
                    a.records(),
                    a.apiCalls(),
                    a.deadLetters(),
                    a.http429(),
                    a.retries(),
                    a.permitWaitMs(),
                    a.startedAt(),
                    HistoryOptions.cell(a.message(), 80)));
        }
    }
}
