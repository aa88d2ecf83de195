package dev.sluice.db;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/** The database settings are wrong: bad URL, wrong password, missing database (exit 78). */
public class DatabaseConfigException extends SluiceException {
    public DatabaseConfigException(String message) {
        super(message);
    }

    public DatabaseConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }
}
