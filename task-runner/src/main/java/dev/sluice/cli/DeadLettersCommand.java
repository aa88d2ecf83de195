package dev.sluice.cli;

import dev.sluice.UsageException;
import dev.sluice.db.DatabaseAccess;
import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.job.JobSpec;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice dead-letters}: the records a job could not process, with why. */
@Command(
        mixinStandardHelpOptions = true,
        name = "dead-letters",
        description = "List a job's dead letters: record key, error, the API's status and excerpt, trace id, payload.")
final class DeadLettersCommand implements Callable<Integer> {
    @Mixin
    JobOption job;

    @Option(names = "--partition", paramLabel = "KEY", description = "Only this partition.")
    String partition;

    @Option(names = "--limit", defaultValue = "1000", paramLabel = "N", description = "At most N (default 1000).")
    int limit;

    @Override
    public Integer call() {
        JobSpec spec = job.load();
        if (partition != null) {
            spec.partitions().parse(partition);
        }
        if (limit < 1 || limit > 100_000) {
            throw new UsageException("--limit must be from 1 to 100000, not " + limit);
        }
        try (DatabaseAccess db =
                DatabaseAccess.open(Environment.current(), "sluice dead-letters " + spec.name(), Console::warn)) {
            List<DeadLetterStore.Stored> letters =
                    new DeadLetterStore().list(db.database().jdbi(), spec.name(), partition, limit);
            Console.result(Console.fields("job", spec.name(), "dead_letters", letters));
        }
        return ExitCode.OK.code;
    }
}
