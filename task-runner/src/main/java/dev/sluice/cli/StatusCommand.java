package dev.sluice.cli;

import dev.sluice.Masking;
import dev.sluice.UsageException;
import dev.sluice.db.DatabaseAccess;
import dev.sluice.job.JobSpec;
import dev.sluice.lease.Leases;
import dev.sluice.lease.PartitionState;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice status}: partitions, watermarks and leases of a job. */
@Command(
        mixinStandardHelpOptions = true,
        name = "status",
        description = "Show the partitions of a job: state, watermark, epoch, lease, counts.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    JobOption job;

    @Option(names = "--partition", paramLabel = "KEY", description = "Only this partition.")
    String partition;

    @Option(
            names = "--format",
            defaultValue = "json",
            paramLabel = "json|table",
            description = "json (default) or table.")
    String format;

    @Override
    public Integer call() {
        JobSpec spec = job.load();
        if (partition != null) {
            spec.partitions().parse(partition);
        }
        if (!format.equals("json") && !format.equals("table")) {
            throw new UsageException("--format must be json or table, not " + format);
        }
        try (DatabaseAccess db =
                DatabaseAccess.open(Environment.current(), "sluice status " + spec.name(), Console::warn)) {
            Leases leases = new Leases(db.database().jdbi(), spec.runner().leaseTtl());
            List<PartitionState> states = partition == null
                    ? leases.list(spec.name())
                    : leases.read(spec.name(), partition).map(List::of).orElse(List.of());
            if (format.equals("table")) {
                printTable(states);
            } else {
                Console.result(Console.fields("job", spec.name(), "partitions", states));
            }
        }
        return ExitCode.OK.code;
    }

    private static void printTable(List<PartitionState> states) {
        Console.line(String.format(
                "%-22s %-8s %6s %8s %10s %6s  %s",
                "PARTITION", "STATE", "EPOCH", "PAGES", "RECORDS", "DEAD", "LEASE / ERROR"));
        for (PartitionState s : states) {
            String lease = Masking.mask(
                    s.leaseOwner() != null // before cutting, so no part of a secret shows
                            ? s.leaseOwner() + " until " + s.leaseExpiresAt()
                            : s.lastError() != null ? s.lastError() : "");
            Console.line(String.format(
                    "%-22s %-8s %6d %8d %10d %6d  %s",
                    s.partition(),
                    s.state(),
                    s.epoch(),
                    s.pages(),
                    s.records(),
                    s.deadLetters(),
                    lease.length() > 100 ? lease.substring(0, 100) + "…" : lease));
        }
        System.out.flush();
    }
}
