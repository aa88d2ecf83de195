package dev.sluice.run;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * A partition reached its source's {@code max_pages} and the API says there are more: the run stops
 * before reading the next page (exit 78). The pages read so far are committed.
 */
public class PageLimitException extends SluiceException {
    public PageLimitException(String job, String partition, long maxPages) {
        super(job + "/" + partition + ": source.max_pages = " + maxPages + " reached: " + maxPages
                + " pages are committed and the API says there are more, so the run stops before reading page "
                + (maxPages + 1) + ". If the partition really is that large, raise source.max_pages (or cut "
                + "smaller partitions); otherwise the API's pagination does not end (check the pagination settings)");
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }
}
