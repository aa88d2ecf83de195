package dev.sluice;

/**
 * How a command ends: done, or failed in a way decided from the exception (whether a retry can
 * help, and whose fix it needs). The command line maps outcomes to exit codes in one place
 * ({@code dev.sluice.cli.ExitCode}); nothing else knows the numbers.
 */
public enum Outcome {
    /** The command did its work (a partition done, or already complete): nothing failed. */
    DONE,
    /** The command line is wrong (unknown option, bad partition key): fix the call, do not retry. */
    USAGE,
    /** The job spec, a secret, the API credentials or the database settings are wrong: do not retry. */
    CONFIG,
    /** More bad records than the job allows as dead letters: fix the data or the spec, do not retry. */
    DATA,
    /** API down, breaker open, lease held, quota exhausted, database unreachable, stopped: retry later. */
    TEMPORARY,
    /** A bug in Sluice (or a broken database): the log holds the stack trace. */
    BUG;

    /** The outcome a failure declares ({@link SluiceException#outcome()}); anything else is a bug. Never DONE. */
    public static Outcome of(Throwable failure) {
        return failure instanceof SluiceException e ? e.outcome() : BUG;
    }

    /** True when the same attempt may succeed later without anybody fixing anything. */
    public boolean temporary() {
        return this == TEMPORARY;
    }
}
