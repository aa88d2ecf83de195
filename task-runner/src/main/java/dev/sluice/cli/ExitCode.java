package dev.sluice.cli;

import dev.sluice.UsageException;
import dev.sluice.breaker.BreakerOpenException;
import dev.sluice.config.JobSpecException;
import dev.sluice.db.DatabaseConfigException;
import dev.sluice.db.DatabaseErrors;
import dev.sluice.db.DatabaseUnavailableException;
import dev.sluice.lease.FencedException;
import dev.sluice.lease.LeaseHeldException;
import dev.sluice.ratelimit.LimitExhaustedException;
import dev.sluice.run.StoppedException;
import dev.sluice.sink.DataErrorException;
import dev.sluice.sink.SinkTableMismatchException;
import dev.sluice.source.MalformedResponseException;
import dev.sluice.source.SourceRejectedException;
import dev.sluice.source.SourceUnavailableException;

/**
 * Process exit codes: the API between the runner and whatever started it (the Airflow side maps
 * them back in {@code dags/sluice_airflow/exit_codes.py}). Failures are mapped here and nowhere
 * else.
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

    /** The exit code for a failure; anything not listed is a bug (70). */
    public static ExitCode of(Throwable failure) {
        return switch (failure) {
            case UsageException e -> USAGE;
            case JobSpecException e -> CONFIG;
            case DatabaseConfigException e -> CONFIG;
            case SourceRejectedException e -> CONFIG;
            case DataErrorException e -> DATA;
            case DatabaseUnavailableException e -> TEMPORARY;
            case SourceUnavailableException e -> TEMPORARY;
            case LeaseHeldException e -> TEMPORARY;
            case FencedException e -> TEMPORARY;
            case StoppedException e -> TEMPORARY;
            case MalformedResponseException e -> TEMPORARY;
            case LimitExhaustedException e -> TEMPORARY;
            case BreakerOpenException e -> TEMPORARY;
            case SinkTableMismatchException e -> CONFIG;
            case org.jdbi.v3.core.JdbiException e -> of(DatabaseErrors.translate(e, "the database"));
            default -> SOFTWARE;
        };
    }
}
