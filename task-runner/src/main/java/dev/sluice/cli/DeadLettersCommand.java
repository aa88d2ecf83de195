package dev.sluice.cli;

import dev.sluice.deadletter.DeadLetterHistory;
import dev.sluice.deadletter.StoredDeadLetter;
import dev.sluice.job.JobSpec;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sluice dead-letters}: records a job could not write, with masked payload excerpts. Read-only. */
@Command(
        mixinStandardHelpOptions = true,
        name = "dead-letters",
        description = "Show the latest dead letters of a job: record key, error, payload excerpt (masked, cut at "
                + DeadLetterHistory.EXCERPT_CHARS + " characters); for per-record calls also the API's status,"
                + " answer excerpt and trace id.")
final class DeadLettersCommand extends ViewCommand<List<StoredDeadLetter>> {
    private static final String ROW = "%8s %-22s %5s %-16s %6s %-50s %-32s  %s";

    @Mixin
    JobOption job;

    @Mixin
    HistoryOptions options;

    private JobSpec spec;

    @Override
    String prepare() {
        spec = job.load();
        options.check(spec);
        return "sluice dead-letters " + spec.name();
    }

    @Override
    List<StoredDeadLetter> read(Jdbi jdbi) {
        return new DeadLetterHistory(jdbi).latest(spec.name(), options.partition, options.limit);
    }

    @Override
    boolean json() {
        return options.json;
    }

    @Override
    Object json(List<StoredDeadLetter> letters) {
        return Console.fields("job", spec.name(), "dead_letters", letters);
    }

    @Override
    void table(List<StoredDeadLetter> letters) {
        Console.line(
                String.format(ROW, "ID", "PARTITION", "EPOCH", "RECORD KEY", "STATUS", "ERROR", "TRACE ID", "PAYLOAD"));
        for (StoredDeadLetter d : letters) {
            Console.line(String.format(
                    ROW,
                    d.id(),
                    d.partition(),
                    d.epoch(),
                    HistoryOptions.cell(d.recordKey(), 16),
                    d.status() == null ? "" : d.status(),
                    HistoryOptions.cell(d.error(), 50),
                    d.traceId() == null ? "" : d.traceId(),
                    HistoryOptions.cell(d.payloadExcerpt(), 80)));
        }
    }
}
