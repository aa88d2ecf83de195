package dev.sluice.db;

import dev.sluice.SluiceException;

/**
 * A database error that is neither a configuration problem nor a passing outage: a bug in Sluice
 * or a broken database (exit 70). The message carries the SQLSTATE, never SQL arguments.
 */
public class DatabaseFailureException extends SluiceException {
    public DatabaseFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
