package dev.sluice.run;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * The run stopped on request (SIGTERM) or because its lease was lost (exit 75): between pages, or
 * while it waited (for a permit, a backoff, the API's answer, a lease). Everything committed so far
 * stays; a retry resumes from the watermark.
 */
public class StoppedException extends SluiceException {
    public StoppedException(String job, String partition, boolean leaseLost) {
        super(
                leaseLost
                        ? job + "/" + partition + ": the lease was taken over or reset; stopped before the next page"
                        : job + "/" + partition
                                + ": stopped on request (SIGTERM) after the last committed page; a retry resumes"
                                + " from there");
    }

    /**
     * Stopped on request while waiting.
     *
     * @param during what it was doing, e.g. {@code waiting for the lease held by ...}, or the
     *               message of the wait that the stop interrupted
     */
    public StoppedException(String job, String partition, String during, Throwable cause) {
        super(
                job + "/" + partition + ": stopped on request (SIGTERM) while " + during
                        + "; everything committed stays and a retry resumes from the last committed page",
                cause);
    }

    @Override
    public Outcome outcome() {
        return Outcome.TEMPORARY;
    }
}
