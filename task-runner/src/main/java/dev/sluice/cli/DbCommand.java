package dev.sluice.cli;

import dev.sluice.UsageException;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseAccess;
import dev.sluice.db.EmbeddedDatabase;
import dev.sluice.db.Migrations;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.job.SpecDigest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice db}: the Sluice database. */
@Command(
        mixinStandardHelpOptions = true,
        name = "db",
        description = "Manage the Sluice database.",
        subcommands = {DbCommand.Migrate.class, DbCommand.Start.class})
final class DbCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UsageException("give a subcommand: sluice db migrate | sluice db start");
    }

    /** {@code sluice db migrate [--job FILE]...}: applies the schema and creates the jobs' sink tables. */
    @Command(
            mixinStandardHelpOptions = true,
            name = "migrate",
            description = "Apply Sluice's schema migrations; with --job, also create/extend each job's sink table.")
    static final class Migrate implements Callable<Integer> {
        @Option(
                names = "--job",
                paramLabel = "FILE",
                description = "Job specs whose sink tables to prepare (repeatable).")
        List<Path> jobs = List.of();

        @Option(
                names = "--spec-sha256",
                paramLabel = "HEX",
                description =
                        "SHA-256 of each --job spec as the DAG parsed it, in the same order; one that differs exits 78.")
        List<String> hashes = List.of();

        @Override
        public Integer call() {
            if (!hashes.isEmpty() && hashes.size() != jobs.size()) {
                throw new UsageException("give one --spec-sha256 per --job (" + jobs.size() + " jobs, " + hashes.size()
                        + " hashes), in the same order");
            }
            for (int i = 0; i < hashes.size(); i++) {
                SpecDigest.verify(jobs.get(i), hashes.get(i));
            }
            List<JobSpec> specs = jobs.stream()
                    .map(new JobSpecLoader(Environment.current())::load)
                    .toList();
            try (DatabaseAccess db = DatabaseAccess.open(Environment.current(), "sluice db migrate", Console::warn)) {
                int applied = Migrations.migrate(db.database().dataSource());
                for (JobSpec spec : specs) {
                    db.database().jdbi().useHandle(spec.sink().open(spec.name())::prepare);
                    Console.info("{}: sink ready ({})", spec.name(), spec.sink().describe());
                }
                int version = Migrations.current(db.database().jdbi());
                Console.info("schema at version {} ({} migrations applied now)", version, applied);
                Console.result(Console.fields(
                        "schema_version",
                        version,
                        "applied",
                        applied,
                        "jobs",
                        specs.stream().map(JobSpec::name).toList()));
            }
            return ExitCode.OK.code;
        }
    }

    /** {@code sluice db start}: the embedded PostgreSQL, shared by other local processes until stopped. */
    @Command(
            mixinStandardHelpOptions = true,
            name = "start",
            description = "Run the embedded PostgreSQL in the foreground for other local processes (Ctrl-C stops it).")
    static final class Start implements Callable<Integer> {
        @Option(
                names = "--port",
                defaultValue = "54329",
                description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).")
        int port;

        @Option(
                names = "--home",
                paramLabel = "DIR",
                description = "Data and state directory (default $SLUICE_HOME or ~/.sluice).")
        Path home;

        @Override
        public Integer call() throws InterruptedException {
            Path dir = home != null ? home.toAbsolutePath() : EmbeddedDatabase.home(Environment.current());
            EmbeddedDatabase db = EmbeddedDatabase.startShared(dir, port);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
                db.close();
                stopped.countDown();
            }));
            try (Database database = Database.open(db.settings(), "sluice db start")) {
                Migrations.migrate(database.dataSource());
            }
            Console.info(
                    "embedded PostgreSQL ready at {} (data in {}); other local sluice commands use it; Ctrl-C stops it",
                    db.settings().url(),
                    dir.resolve("pgdata"));
            Console.result(Console.fields(
                    "database", "ready", "url", db.settings().url(), "user", "postgres", "home", dir.toString()));
            stopped.await();
            return ExitCode.OK.code;
        }
    }
}
