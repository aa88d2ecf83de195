package dev.sluice.db;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/** PostgreSQL cannot be reached right now (exit 75): a retry later may succeed. */
public class DatabaseUnavailableException extends SluiceException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Outcome outcome() {
        return Outcome.TEMPORARY;
    }
}
