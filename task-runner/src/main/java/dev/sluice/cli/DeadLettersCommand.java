package dev.sluice.cli;

import dev.sluice.db.DatabaseAccess;
import dev.sluice.deadletter.DeadLetterHistory;
import dev.sluice.deadletter.StoredDeadLetter;
import dev.sluice.job.JobSpec;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sluice dead-letters}: records a job could not write, with masked payload excerpts. Read-only. */
@Command(
        mixinStandardHelpOptions = true,
        name = "dead-letters",
        description = "Show the latest dead letters of a job: record key, error, payload excerpt (masked, cut at "
                + DeadLetterHistory.EXCERPT_CHARS + " characters); for per-record calls also the API's status,"
                + " answer excerpt and trace id.")
final class DeadLettersCommand implements Callable<Integer> {
    @Mixin
    JobOption job;

    @Mixin
    HistoryOptions options;

    @Override
    public Integer call() {
        JobSpec spec = job.load();
        options.check(spec);
        try (DatabaseAccess db =
                DatabaseAccess.open(Environment.current(), "sluice dead-letters " + spec.name(), Console::warn)) {
            List<StoredDeadLetter> letters =
                    new DeadLetterHistory(db.database().jdbi()).latest(spec.name(), options.partition, options.limit);
            if (options.json) {
                Console.result(Console.fields("job", spec.name(), "dead_letters", letters));
            } else {
                printTable(letters);
            }
        }
        return ExitCode.OK.code;
    }

    private static void printTable(List<StoredDeadLetter> letters) {
        String row = "%8s %-22s %5s %-16s %6s %-50s %-32s  %s";
        Console.line(
                String.format(row, "ID", "PARTITION", "EPOCH", "RECORD KEY", "STATUS", "ERROR", "TRACE ID", "PAYLOAD"));
        for (StoredDeadLetter d : letters) {
            Console.line(String.format(
                    row,
                    d.id(),
                    d.partition(),
                    d.epoch(),
                    HistoryOptions.cell(d.recordKey(), 16),
                    d.status() == null ? "" : d.status(),
                    HistoryOptions.cell(d.error(), 50),
                    d.traceId() == null ? "" : d.traceId(),
                    HistoryOptions.cell(d.payloadExcerpt(), 80)));
        }
        System.out.flush();
    }
}
