package dev.sluice.source;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * The API refused the request itself (401, 403, 404, 400...): retrying the same request cannot
 * help, so the run stops with a configuration error (exit 78).
 */
public class SourceRejectedException extends SluiceException {
    private final int status;

    public SourceRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }
}
