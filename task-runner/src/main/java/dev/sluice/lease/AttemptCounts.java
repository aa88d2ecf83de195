package dev.sluice.lease;

/**
 * What an attempt's API calls did so far, stored in its {@code sluice_attempt} row by every
 * heartbeat and at its end (pages and records go with each page's commit; dead letters are rows of
 * their own).
 *
 * @param apiCalls     requests sent, retries included
 * @param http429      429 answers
 * @param retries      attempts that retried an earlier one
 * @param permitWaitMs time spent waiting for shared-limit permits
 */
public record AttemptCounts(long apiCalls, long http429, long retries, long permitWaitMs) {
    public static final AttemptCounts NONE = new AttemptCounts(0, 0, 0, 0);
}
