package dev.sluice.source;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * A 2xx response whose body cannot be read (truncated or invalid JSON, records not where the spec
 * says). Counted as a failed attempt and retried; when retries run out the run exits 75.
 */
public class MalformedResponseException extends SluiceException {
    public MalformedResponseException(String message) {
        super(message);
    }

    public MalformedResponseException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Outcome outcome() {
        return Outcome.TEMPORARY;
    }
}
