package dev.sluice.http;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * An answer bigger than {@code max_response_size}: refused without being read into memory, as a
 * data error (exit 65): retrying would fetch the same body again.
 */
public class ResponseTooLargeException extends SluiceException {
    private final long limit;

    public ResponseTooLargeException(String message, long limit) {
        super(message);
        this.limit = limit;
    }

    /** The bound it broke, in bytes. */
    public long limit() {
        return limit;
    }

    @Override
    public Outcome outcome() {
        return Outcome.DATA;
    }
}
