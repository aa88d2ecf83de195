package dev.sluice.cli;

import dev.sluice.UsageException;
import dev.sluice.db.DatabaseAccess;
import dev.sluice.job.JobSpec;
import dev.sluice.lease.Leases;
import dev.sluice.lease.PartitionState;
import dev.sluice.partition.Partition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice reset}: rewinds partitions for a backfill. The watermark is forgotten and the epoch
 * bumped, which fences out an attempt still running; sink rows stay and the re-run upserts them.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "reset",
        description = "Rewind partitions (forget watermark, fence running attempts) so the next run reprocesses them.")
final class ResetCommand implements Callable<Integer> {
    @Mixin
    JobOption job;

    @Option(
            names = "--partition",
            paramLabel = "KEY",
            split = ",",
            description = "Partitions to reset (repeat or comma-separate).")
    List<String> partitions;

    @Option(names = "--all", description = "Reset every partition the job has run.")
    boolean all;

    @Override
    public Integer call() {
        JobSpec spec = job.load();
        if ((partitions == null) == !all) {
            throw new UsageException("give --partition KEY (one or more) or --all");
        }
        List<String> keys = partitions == null
                ? null
                : spec.partitions().explicit(partitions).stream()
                        .map(Partition::key)
                        .toList();
        try (DatabaseAccess db =
                DatabaseAccess.open(Environment.current(), "sluice reset " + spec.name(), Console::warn)) {
            Leases leases = new Leases(db.database().jdbi(), spec.runner().leaseTtl());
            if (keys == null) {
                keys = leases.list(spec.name()).stream()
                        .map(PartitionState::partition)
                        .toList();
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (String key : keys) {
                var before = leases.reset(spec.name(), key);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("partition", key);
                row.put("was", before.map(PartitionState::state).orElse("never run"));
                before.filter(b -> b.leaseOwner() != null).ifPresent(b -> {
                    row.put("fenced", b.leaseOwner());
                    Console.info(
                            "{}/{}: fenced out the running attempt {} (epoch {})",
                            spec.name(),
                            key,
                            b.leaseOwner(),
                            b.epoch());
                });
                out.add(row);
            }
            Console.info("{}: reset {} partitions; their next run starts at the first page", spec.name(), out.size());
            Console.result(Console.fields("job", spec.name(), "reset", out));
        }
        return ExitCode.OK.code;
    }
}
