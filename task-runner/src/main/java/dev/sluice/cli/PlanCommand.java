package dev.sluice.cli;

import dev.sluice.UsageException;
import dev.sluice.job.JobSpec;
import dev.sluice.partition.Partition;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice plan}: the partitions of a window, as JSON, for Airflow to map over. */
@Command(
        mixinStandardHelpOptions = true,
        name = "plan",
        description = "Print the partitions of a job for a window (or an explicit list) as JSON.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    JobOption job;

    @Option(
            names = "--from",
            paramLabel = "START",
            description = "First partition (inclusive): a date for daily jobs, an hour for hourly ones.")
    String from;

    @Option(
            names = "--to",
            paramLabel = "END",
            description = "End of the window (exclusive), like Airflow's data intervals.")
    String to;

    @Option(
            names = "--partitions",
            split = ",",
            paramLabel = "KEY",
            description = "Explicit partition keys (comma-separated), each checked.")
    List<String> partitions;

    @Override
    public Integer call() {
        JobSpec spec = job.load();
        if (partitions != null && (from != null || to != null)) {
            throw new UsageException("give either --partitions or --from/--to, not both");
        }
        List<Partition> plan = partitions != null
                ? spec.partitions().explicit(partitions)
                : spec.partitions().plan(from, to);
        List<String> keys = plan.stream().map(Partition::key).toList();
        Console.info(
                "{}: {} partitions{}",
                spec.name(),
                keys.size(),
                keys.isEmpty() ? "" : " (" + keys.getFirst() + " … " + keys.getLast() + ")");
        Console.result(Console.fields("job", spec.name(), "partitions", keys, "count", keys.size()));
        return ExitCode.OK.code;
    }
}
