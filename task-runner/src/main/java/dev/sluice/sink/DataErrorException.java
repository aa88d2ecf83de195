package dev.sluice.sink;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * More records failed to load than the job allows as dead letters (exit 65). The page that
 * crossed the threshold was not committed; fix the data or the spec, then re-run.
 */
public class DataErrorException extends SluiceException {
    private final long deadLetters;

    /**
     * @param deadLetters the partition's dead letters counting the refused page's, which were not
     *                    stored (the number the message gives and the run summary reports)
     */
    public DataErrorException(String message, long deadLetters) {
        super(message);
        this.deadLetters = deadLetters;
    }

    /** The partition's dead letters, the refused page's (not stored) included. */
    public long deadLetters() {
        return deadLetters;
    }

    @Override
    public Outcome outcome() {
        return Outcome.DATA;
    }
}
