package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Process entry point: {@code sluice <command>}. See {@link ExitCode} for what the exit codes mean. */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs API integration jobs in resumable partitions, with shared rate limits.",
        subcommands = {
            PlanCommand.class,
            RunCommand.class,
            StatusCommand.class,
            ResetCommand.class,
            ValidateCommand.class,
            DbCommand.class,
            SandboxCommand.class,
            DemoCommand.class,
            SelftestCommand.class,
            BenchCommand.class,
        })
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new FailureHandler());
        cli.setParameterExceptionHandler(new UsageHandler());
        return cli.execute(args);
    }

    /** Runs one command line in this process with {@code env} as its environment. */
    public static int execute(java.util.Map<String, String> env, String... args) {
        Environment.use(env);
        try {
            return execute(args);
        } finally {
            Environment.use(null);
        }
    }
}
