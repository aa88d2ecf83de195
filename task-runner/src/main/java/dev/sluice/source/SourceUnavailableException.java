package dev.sluice.source;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/** The API could not serve a page right now: network error, 5xx, timeout (exit 75, retry later). */
public class SourceUnavailableException extends SluiceException {
    public SourceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public SourceUnavailableException(String message) {
        super(message);
    }

    @Override
    public Outcome outcome() {
        return Outcome.TEMPORARY;
    }
}
