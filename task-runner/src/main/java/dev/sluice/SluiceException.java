package dev.sluice;

/**
 * Root of every failure Sluice reports. Subclasses are named for what failed and carry their
 * context in fields; the command line maps them to exit codes in one place
 * ({@code dev.sluice.cli.ExitCode}).
 *
 * <p>Messages say what failed, where, and how to fix it. They never contain secrets or bound SQL
 * values.
 */
public class SluiceException extends RuntimeException {
    public SluiceException(String message) {
        super(message);
    }

    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
