package dev.sluice.tools;

import dev.sluice.UsageException;
import dev.sluice.bench.CountingBench;
import dev.sluice.bench.LimiterBench;
import dev.sluice.bench.SinkBench;
import dev.sluice.cli.Console;
import dev.sluice.cli.Environment;
import dev.sluice.cli.ExitCode;
import dev.sluice.db.DatabaseAccess;
import dev.sluice.history.HistorySettings;
import dev.sluice.history.LimitHistory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench}: benchmarks that run on the runner's own classes. Each prints its result as
 * the last stdout line (JSON); {@code bench/} has the harness that starts the database, runs the
 * baselines beside them and keeps the results. See bench/README.md.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run a benchmark on the runner's own classes (see bench/README.md).",
        subcommands = {BenchCommand.Sink.class, BenchCommand.Limiter.class, BenchCommand.Counting.class})
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("give a benchmark: sluice bench sink | sluice bench limiter | sluice bench counting");
    }

    /** {@code sluice bench sink}: the page path against a raw COPY of the same rows. */
    @Command(
            name = "sink",
            mixinStandardHelpOptions = true,
            description =
                    "Records/s through the real page path vs a raw COPY of the same rows (same table, same database).")
    static final class Sink implements Callable<Integer> {
        @Option(
                names = "--records",
                defaultValue = "50000",
                description = "Records per timed pass (default ${DEFAULT-VALUE}).")
        int records;

        @Option(
                names = "--page-sizes",
                split = ",",
                defaultValue = "100,1000",
                description = "Page sizes (default ${DEFAULT-VALUE}).")
        List<Integer> pageSizes;

        @Option(
                names = "--repetitions",
                defaultValue = "5",
                description = "Timed passes per contender and page size (default ${DEFAULT-VALUE}).")
        int repetitions;

        @Override
        public Integer call() {
            if (records < 1 || repetitions < 1 || pageSizes.stream().anyMatch(s -> s < 1)) {
                throw new UsageException("--records, --repetitions and --page-sizes must be at least 1");
            }
            try (DatabaseAccess db = DatabaseAccess.open(Environment.current(), "sluice bench sink", Console::warn)) {
                var result = new SinkBench(db.database(), Console::info)
                        .run(new SinkBench.Config(records, pageSizes, repetitions));
                Console.result(result);
            }
            return ExitCode.OK.code;
        }
    }

    /** {@code sluice bench counting}: CPU ns per permit of the history's counting path, on vs off. */
    @Command(
            name = "counting",
            mixinStandardHelpOptions = true,
            description = "CPU ns per permit counted in the limit history (as the call gate counts one), on vs off.")
    static final class Counting implements Callable<Integer> {
        @Option(
                names = "--rounds",
                defaultValue = "10",
                description = "Timed rounds each way (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(
                names = "--permits",
                defaultValue = "5000000",
                description = "Permits per round (default ${DEFAULT-VALUE}).")
        long permits;

        @Override
        public Integer call() {
            if (rounds < 1 || permits < 1) {
                throw new UsageException("--rounds and --permits must be at least 1");
            }
            try (DatabaseAccess db =
                    DatabaseAccess.open(Environment.current(), "sluice bench counting", Console::warn)) {
                Console.result(CountingBench.run(db.database().jdbi(), rounds, permits));
            }
            return ExitCode.OK.code;
        }
    }

    /** {@code sluice bench limiter}: permits/s of one shared bucket with N processes, the API out of the way. */
    @Command(
            name = "limiter",
            mixinStandardHelpOptions = true,
            description = "Permits/s one shared limit hands out to N processes looping on acquire() (generous rate).")
    static final class Limiter implements Callable<Integer> {
        @Option(
                names = "--processes",
                defaultValue = "1",
                description = "Worker processes sharing the limit (default ${DEFAULT-VALUE}).")
        int processes;

        @Option(
                names = "--seconds",
                defaultValue = "10",
                description = "Length of the timed window (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(
                names = "--limit",
                defaultValue = "bench-limiter",
                description = "The limit's name, i.e. its bucket row (default ${DEFAULT-VALUE}).")
        String limit;

        @Option(
                names = "--rate",
                defaultValue = "100000/1s",
                description = "The limit's rate, generous so nobody waits (default ${DEFAULT-VALUE}).")
        String rate;

        @Option(names = "--worker", hidden = true, description = "Run as one worker (started by the bench itself).")
        boolean worker;

        @Override
        public Integer call() throws IOException {
            if (processes < 1 || processes > 64 || seconds < 1) {
                throw new UsageException("--processes must be 1..64 and --seconds at least 1");
            }
            LimiterBench.Config config = new LimiterBench.Config(processes, seconds, limit, rate);
            if (!worker) {
                Console.result(LimiterBench.run(config, Console::info));
                return ExitCode.OK.code;
            }
            try (DatabaseAccess db =
                    DatabaseAccess.open(Environment.current(), "sluice bench limiter", Console::warn)) {
                var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                // SLUICE_HISTORY=on|off, as a run would: the bench's history overhead comparison
                try (LimitHistory history = LimitHistory.start(
                        db.database().jdbi(),
                        HistorySettings.fromEnv(Environment.current()),
                        Clock.systemUTC(),
                        Console::warn)) {
                    Console.result(LimiterBench.work(
                            db.database(),
                            config,
                            history,
                            () -> Console.result(Console.fields("worker", "ready")),
                            () -> startTime(stdin)));
                }
            }
            return ExitCode.OK.code;
        }

        private static long startTime(BufferedReader stdin) {
            try {
                String line = stdin.readLine();
                if (line == null || !line.startsWith("go ")) {
                    throw new UsageException("a limiter worker expects 'go <epoch ms>' on stdin, got " + line);
                }
                return Long.parseLong(line.substring(3).trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
