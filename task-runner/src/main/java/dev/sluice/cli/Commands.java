package dev.sluice.cli;

import java.util.ServiceLoader;
import java.util.Set;
import picocli.CommandLine;

/**
 * The whole command line, read by picocli: every command, help, usage errors. A class of its own
 * so that a run read by {@link QuickRun} never loads picocli (not even to verify {@link Main}).
 */
final class Commands {
    /** Commands of the repository build (the tools module); not in a production installation. */
    static final Set<String> REPOSITORY_ONLY = Set.of("sandbox", "demo", "bench");

    private Commands() {}

    static int execute(Main main, String... args) {
        CommandLine cli = new CommandLine(main);
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
