package dev.sluice;

import java.time.Instant;

/**
 * A temporary failure that knows when retrying makes sense (quota refill, Retry-After, breaker
 * probe): the run summary carries it as {@code resume_at} so the scheduler waits instead of
 * spending retries.
 */
public interface ResumeHint {
    /** When to try again. */
    Instant resumeAt();
}
