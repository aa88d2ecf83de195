package dev.sluice.cli;

import dev.sluice.Outcome;
import dev.sluice.db.DatabaseErrors;
import org.jdbi.v3.core.JdbiException;

/**
 * Process exit codes: the API between the runner and whatever started it (the Airflow side maps
 * them back in {@code dags/sluice_airflow/exit_codes.py}). Failures declare their {@link Outcome};
 * this is the one place that turns outcomes into numbers.
 */
public enum ExitCode {
    /** The partition is complete (or already was). */
    OK(0),
    /** The command line is wrong: unknown option, bad partition key. Do not retry. */
    USAGE(64),
    /** More bad records than the job allows as dead letters. Do not retry; fix the data or spec. */
    DATA(65),
    /** A bug in Sluice itself; the log holds the stack trace. */
    SOFTWARE(70),
    /** Temporary: API down, breaker open, lease held, quota exhausted, database unreachable. Retry. */
    TEMPORARY(75),
    /** The job spec, a secret, the API credentials or the database settings are wrong. Do not retry. */
    CONFIG(78);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The exit code of an outcome. */
    public static ExitCode of(Outcome outcome) {
        return switch (outcome) {
            case DONE -> OK;
            case USAGE -> USAGE;
            case CONFIG -> CONFIG;
            case DATA -> DATA;
            case TEMPORARY -> TEMPORARY;
            case BUG -> SOFTWARE;
        };
    }

    /** The exit code for a failure: its declared outcome; anything undeclared is a bug (70). */
    public static ExitCode of(Throwable failure) {
        if (failure instanceof JdbiException e) {
            return of(DatabaseErrors.translate(e, "the database"));
        }
        return of(Outcome.of(failure));
    }
}
