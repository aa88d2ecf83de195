package dev.sluice.run;

import java.time.Instant;

/** A temporary failure that knows when retrying makes sense (quota refill, lease expiry). */
public interface ResumeHint {
    /** When to try again. */
    Instant resumeAt();
}
