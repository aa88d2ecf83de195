package dev.sluice.http;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * No complete answer: the connection failed or broke, or the exchange ran past its time bound
 * (headers that never came, a body that stalled or dripped). Worth retrying (exit 75 when retries
 * run out); counts as a failure for the breaker.
 */
public class ExchangeFailedException extends SluiceException {
    private final boolean timedOut;

    public ExchangeFailedException(String message, boolean timedOut, Throwable cause) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** True when the time bound cut the exchange off. */
    public boolean timedOut() {
        return timedOut;
    }

    @Override
    public Outcome outcome() {
        return Outcome.TEMPORARY;
    }
}
