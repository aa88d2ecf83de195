package dev.sluice.ratelimit;

import dev.sluice.Outcome;
import dev.sluice.ResumeHint;
import dev.sluice.SluiceException;
import java.time.Instant;

/**
 * A shared limit cannot give a permit within {@code max_wait}: a quota ran out, or the API asked
 * everyone to pause for longer (exit 75). Everything up to the last page is committed; the summary
 * carries {@link #resumeAt()} so the scheduler waits instead of burning retries.
 */
public class LimitExhaustedException extends SluiceException implements ResumeHint {
    private final String limit;
    private final Instant resumeAt;

    public LimitExhaustedException(String limit, Instant resumeAt, String why) {
        super("limit " + limit + ": " + why + "; resume at " + resumeAt
                + " (everything up to the last page is committed; a run after that resumes from there)");
        this.limit = limit;
        this.resumeAt = resumeAt;
    }

    public String limit() {
        return limit;
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
