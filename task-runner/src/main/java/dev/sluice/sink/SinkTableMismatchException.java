package dev.sluice.sink;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * The sink's existing table does not fit the job spec (a column of another type, no unique key
 * on the spec's key) (exit 78). Nothing was written; change the spec or migrate the table.
 */
public class SinkTableMismatchException extends SluiceException {
    public SinkTableMismatchException(String message) {
        super(message);
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }
}
