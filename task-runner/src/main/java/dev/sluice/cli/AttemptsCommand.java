package dev.sluice.cli;

import dev.sluice.db.DatabaseAccess;
import dev.sluice.job.JobSpec;
import dev.sluice.lease.AttemptHistory;
import dev.sluice.lease.AttemptRecord;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sluice attempts}: the attempt history of a job's partitions. Read-only. */
@Command(
        mixinStandardHelpOptions = true,
        name = "attempts",
        description = "Show the latest attempts of a job: status, exit code, pages, records, API calls, dead letters.")
final class AttemptsCommand implements Callable<Integer> {
    @Mixin
    JobOption job;

    @Mixin
    HistoryOptions options;

    @Override
    public Integer call() {
        JobSpec spec = job.load();
        options.check(spec);
        try (DatabaseAccess db =
                DatabaseAccess.open(Environment.current(), "sluice attempts " + spec.name(), Console::warn)) {
            List<AttemptRecord> attempts =
                    new AttemptHistory(db.database().jdbi()).latest(spec.name(), options.partition, options.limit);
            if (options.json) {
                Console.result(Console.fields("job", spec.name(), "attempts", attempts));
            } else {
                printTable(attempts);
            }
        }
        return ExitCode.OK.code;
    }

    private static void printTable(List<AttemptRecord> attempts) {
        String row = "%-22s %5s %-8s %4s %7s %9s %7s %5s  %-20s  %s";
        Console.line(String.format(
                row,
                "PARTITION",
                "EPOCH",
                "STATUS",
                "EXIT",
                "PAGES",
                "RECORDS",
                "CALLS",
                "DEAD",
                "STARTED",
                "MESSAGE"));
        for (AttemptRecord a : attempts) {
            Console.line(String.format(
                    row,
                    a.partition(),
                    a.epoch(),
                    a.status(),
                    a.exitCode() == null ? "" : a.exitCode(),
                    a.pages(),
                    a.records(),
                    a.apiCalls(),
                    a.deadLetters(),
                    a.startedAt(),
                    HistoryOptions.cell(a.message(), 80)));
        }
        System.out.flush();
    }
}
