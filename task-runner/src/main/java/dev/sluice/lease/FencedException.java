package dev.sluice.lease;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * A newer attempt took over the partition (its epoch is higher), so this attempt's writes are
 * refused (exit 75). Nothing of this attempt's current page was written.
 */
public class FencedException extends SluiceException {
    private final long epoch;
    private final long currentEpoch;

    public FencedException(String job, String partition, long epoch, long currentEpoch) {
        super("attempt with epoch " + epoch + " of partition " + partition + " of job " + job
                + " was fenced out: epoch " + currentEpoch + " now owns the partition; "
                + "this attempt stopped without writing its current page");
        this.epoch = epoch;
        this.currentEpoch = currentEpoch;
    }

    public long epoch() {
        return epoch;
    }

    public long currentEpoch() {
        return currentEpoch;
    }

    @Override
    public Outcome outcome() {
        return Outcome.TEMPORARY;
    }
}
