package dev.sluice.breaker;

import dev.sluice.Outcome;
import dev.sluice.ResumeHint;
import dev.sluice.SluiceException;
import java.time.Instant;

/**
 * The API's shared breaker is open: it failed repeatedly for everyone, so this run checkpoints and
 * stops instead of adding load (exit 75); {@link #resumeAt()} is when a probe is next allowed.
 */
public class BreakerOpenException extends SluiceException implements ResumeHint {
    private final Instant resumeAt;

    public BreakerOpenException(String breaker, Instant resumeAt, String lastError) {
        super("the breaker of " + breaker + " is open after repeated failures"
                + (lastError == null ? "" : " (last: " + lastError + ")")
                + "; this run makes no further call to the API: a probe is allowed from " + resumeAt);
        this.resumeAt = resumeAt;
    }

    @Override
    public Instant resumeAt() {
        return resumeAt;
    }

    @Override
    public Outcome outcome() {
        return Outcome.TEMPORARY;
    }
}
