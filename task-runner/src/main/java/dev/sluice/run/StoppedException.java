package dev.sluice.run;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * The run stopped between pages on request (SIGTERM) or because its lease was lost (exit 75).
 * Everything committed so far stays; a retry resumes from the watermark.
 */
public class StoppedException extends SluiceException {
    public StoppedException(String job, String partition, boolean leaseLost) {
        super(
                leaseLost
                        ? job + "/" + partition + ": the lease was taken over or reset; stopped before the next page"
                        : job + "/" + partition
                                + ": stopped on request after the last committed page; a retry resumes from there");
    }

    @Override
    public Outcome outcome() {
        return Outcome.TEMPORARY;
    }
}
