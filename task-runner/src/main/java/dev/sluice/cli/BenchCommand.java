package dev.sluice.cli;

import dev.sluice.bench.SinkBench;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench}: benchmarks that run on the runner's own classes. Each prints its result as
 * the last stdout line (JSON); {@code bench/} has the harness that starts the database, runs the
 * baselines beside them and keeps the results. See bench/README.md.
 */
@Command(name = "bench", description = "Run a benchmark on the runner's own classes (see bench/README.md).",
        subcommands = {BenchCommand.Sink.class})
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new dev.sluice.UsageException("give a benchmark: sluice bench sink");
    }

    /** {@code sluice bench sink}: the page path against a raw COPY of the same rows. */
    @Command(name = "sink", description = "Records/s through the real page path vs a raw COPY of the same rows (same table, same database).")
    static final class Sink implements Callable<Integer> {
        @Option(names = "--records", defaultValue = "50000", description = "Records per timed pass (default ${DEFAULT-VALUE}).")
        int records;

        @Option(names = "--page-sizes", split = ",", defaultValue = "100,1000", description = "Page sizes (default ${DEFAULT-VALUE}).")
        List<Integer> pageSizes;

        @Option(names = "--repetitions", defaultValue = "5", description = "Timed passes per contender and page size (default ${DEFAULT-VALUE}).")
        int repetitions;

        @Option(names = "--prototypes", description = "Also run the prototype sink variants side by side.")
        boolean prototypes;

        @Option(names = "--no-anatomy", negatable = true, defaultValue = "true", description = "Time each step of the page transaction (default on).")
        boolean anatomy;

        @Override
        public Integer call() {
            if (records < 1 || repetitions < 1 || pageSizes.stream().anyMatch(s -> s < 1)) {
                throw new dev.sluice.UsageException("--records, --repetitions and --page-sizes must be at least 1");
            }
            try (DatabaseAccess db = DatabaseAccess.open(Environment.current(), "sluice bench sink")) {
                var result = new SinkBench(db.database(), Console::info)
                        .run(new SinkBench.Config(records, pageSizes, repetitions, prototypes, anatomy));
                Console.result(result);
            }
            return ExitCode.OK.code;
        }
    }
}
