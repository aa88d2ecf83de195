package dev.sluice.retry;

import dev.sluice.SluiceException;
import java.time.Duration;
import java.util.Optional;

/**
 * One attempt of a call failed in a way worth retrying (network, timeout, 408, 429, 5xx, bad body).
 * Carries the API's Retry-After, if it gave one, which the next delay never undercuts.
 */
public class RetryableFailure extends SluiceException {
    private final transient Duration retryAfter;
    private final boolean rateLimited;

    public RetryableFailure(String message, Duration retryAfter, boolean rateLimited, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
        this.rateLimited = rateLimited;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** True for a 429. */
    public boolean rateLimited() {
        return rateLimited;
    }
}
