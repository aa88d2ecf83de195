package dev.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/** Bad options or arguments: prints what is wrong and the usage, exits 64. */
final class UsageHandler implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine cli = failure.getCommandLine();
        Console.error(failure.getMessage());
        cli.usage(System.err);
        Console.result(Console.failure(cli.getCommandName(), ExitCode.USAGE, failure.getMessage()));
        return ExitCode.USAGE.code;
    }
}
