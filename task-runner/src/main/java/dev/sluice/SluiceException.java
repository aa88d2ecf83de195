package dev.sluice;

/**
 * Root of every failure Sluice reports. Subclasses are named for what failed, carry their context
 * in fields and declare their {@link #outcome()}; the command line maps outcomes to exit codes in
 * one place ({@code dev.sluice.cli.ExitCode}).
 *
 * <p>Messages say what failed, where, and how to fix it. They never contain secrets or bound SQL
 * values: a message that quotes an API (an error body, a URL) has every known secret masked when
 * it is read ({@link Masking#mask}).
 */
public class SluiceException extends RuntimeException {
    public SluiceException(String message) {
        super(message);
    }

    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String getMessage() {
        return Masking.mask(super.getMessage());
    }

    /** How this failure ends the command; a failure that does not say is a bug. */
    public Outcome outcome() {
        return Outcome.BUG;
    }
}
