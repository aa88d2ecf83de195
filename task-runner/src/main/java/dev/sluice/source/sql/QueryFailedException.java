package dev.sluice.source.sql;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * The database refused a {@code type: sql} source's query, or its results break the source's
 * rules (a key that is null, not unique, or of a type that cannot order records): the spec must
 * change, so the run stops with a configuration error (exit 78). The message names the spec field
 * and its file:line, the SQLSTATE and the rule; never a value bound to the query.
 */
public class QueryFailedException extends SluiceException {
    public QueryFailedException(String message) {
        super(message);
    }

    public QueryFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }
}
