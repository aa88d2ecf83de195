package dev.sluice.cli;

import dev.sluice.StartupTrace;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * Process entry point: {@code sluice <command>}. See {@link ExitCode} for what the exit codes mean.
 * Commands from {@link CommandProvider}s on the classpath are added to the runner's own.
 */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs API integration jobs in resumable partitions, with shared rate limits.",
        footer = {
            "",
            "In a source checkout (after make build) the launcher adds the development",
            "commands sandbox, demo and bench. SLUICE_PLUGINS=DIR adds the jars in DIR",
            "(or DIR:DIR...) to the classpath (sources, sinks, commands)."
        },
        subcommands = {
            PlanCommand.class,
            RunCommand.class,
            StatusCommand.class,
            AttemptsCommand.class,
            LimitsCommand.class,
            DeadLettersCommand.class,
            ReplayCommand.class,
            ResetCommand.class,
            ValidateCommand.class,
            DbCommand.class,
            SelftestCommand.class,
            ServeCommand.class,
        })
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        StartupTrace.mark("main");
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code. */
    public static int execute(String... args) {
        RunCommand run = QuickRun.parse(args);
        return run != null ? QuickRun.execute(run) : Commands.execute(new Main(), args);
    }

    /** Runs one command line in this process with {@code env} as its environment. */
    public static int execute(Map<String, String> env, String... args) {
        Environment.use(env);
        try {
            return execute(args);
        } finally {
            Environment.use(null);
        }
    }
}
