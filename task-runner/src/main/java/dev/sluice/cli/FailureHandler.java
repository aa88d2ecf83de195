package dev.sluice.cli;

import dev.sluice.SluiceException;
import dev.sluice.db.DatabaseErrors;
import org.jdbi.v3.core.JdbiException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a failure escaping a command into its exit code, a message on stderr and, as the contract
 * requires, a JSON object as the last line of stdout. Whatever exits 70 is a bug: its stack trace
 * goes to the log.
 */
final class FailureHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception failure, CommandLine cli, ParseResult parsed) {
        return handle(
                failure,
                parsed.subcommand() == null
                        ? "sluice"
                        : parsed.subcommand().commandSpec().name());
    }

    /** The exit code of {@code failure}, escaping {@code command}, once message and result are printed. */
    static int handle(Exception failure, String command) {
        ExitCode exit = ExitCode.of(failure);
        // A database exception's own message holds the statement and its bound values: say the SQLSTATE instead.
        String message = failure instanceof JdbiException e
                ? DatabaseErrors.translate(e, "the database").getMessage()
                : failure.getMessage();
        if (failure instanceof SluiceException && exit != ExitCode.SOFTWARE) {
            Console.error(message);
        } else {
            Console.bug(command, failure); // exit 70 is a bug, whatever its type: the stack trace is logged
        }
        Console.result(Console.failure(command, exit, message));
        return exit.code;
    }
}
