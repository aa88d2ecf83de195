package dev.sluice.lease;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;
import java.time.Instant;

/** Another live attempt holds the partition's lease (exit 75): retry after {@link #expiresAt()}. */
public class LeaseHeldException extends SluiceException {
    private final String owner;
    private final Instant expiresAt;

    public LeaseHeldException(String job, String partition, String owner, Instant expiresAt) {
        super("partition " + partition + " of job " + job + " is being run by " + owner
                + " (lease valid until " + expiresAt + "); this attempt stops without writing. "
                + "Retry after the lease expires, or stop the other attempt.");
        this.owner = owner;
        this.expiresAt = expiresAt;
    }

    public String owner() {
        return owner;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public Outcome outcome() {
        return Outcome.TEMPORARY;
    }
}
