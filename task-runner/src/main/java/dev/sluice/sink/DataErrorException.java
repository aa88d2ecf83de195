package dev.sluice.sink;

import dev.sluice.SluiceException;

/**
 * More records failed to load than the job allows as dead letters (exit 65). The page that
 * crossed the threshold was not committed; fix the data or the spec, then re-run.
 */
public class DataErrorException extends SluiceException {
    public DataErrorException(String message) {
        super(message);
    }
}
