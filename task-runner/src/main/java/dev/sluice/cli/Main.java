package dev.sluice.cli;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import picocli.CommandLine;
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
            DeadLettersCommand.class,
            ResetCommand.class,
            ValidateCommand.class,
            DbCommand.class,
            SelftestCommand.class,
        })
public final class Main {
    /** Commands of the repository build (the tools module); not in a production installation. */
    static final Set<String> REPOSITORY_ONLY = Set.of("sandbox", "demo", "bench");

    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        for (CommandProvider provider : ServiceLoader.load(CommandProvider.class)) {
            for (String name : provider.names()) {
                if (args.length == 0 || args[0].startsWith("-") || args[0].equals(name)) {
                    add(cli, name, provider.command(name));
                }
            }
        }
        cli.setExecutionExceptionHandler(new FailureHandler());
        cli.setParameterExceptionHandler(new UsageHandler());
        if (args.length > 0
                && REPOSITORY_ONLY.contains(args[0])
                && !cli.getSubcommands().containsKey(args[0])) {
            return notInstalled(args[0]);
        }
        return cli.execute(args);
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

    /** Plugin commands are built only when named or when help lists them: a run pays nothing for them. */
    private static void add(CommandLine cli, String name, Object command) {
        if (cli.getSubcommands().containsKey(name)) {
            throw new IllegalStateException("a plugin adds command '" + name + "', which sluice already has");
        }
        cli.addSubcommand(name, command);
    }

    private static int notInstalled(String command) {
        String message = "sluice " + command + " is a development command of the repository build; this installation"
                + " (e.g. the production image) has only the runner. Run it from a source checkout after make build:"
                + " task-runner/bin/sluice " + command
                + " (or name the tools' jar directories: SLUICE_PLUGINS=tools/target:tools/target/lib)";
        Console.error(message);
        Console.result(Console.failure(command, ExitCode.USAGE, message));
        return ExitCode.USAGE.code;
    }
}
