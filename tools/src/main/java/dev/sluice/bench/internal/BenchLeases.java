package dev.sluice.bench.internal;

import dev.sluice.lease.AttemptInfo;
import dev.sluice.lease.Lease;
import dev.sluice.lease.Leases;
import dev.sluice.lease.Owners;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/** Fresh attempts of the bench partition, through the real {@link Leases} (a new epoch each time). */
public final class BenchLeases {
    private final Leases leases;

    public BenchLeases(Jdbi jdbi) {
        this.leases = new Leases(jdbi, Duration.ofSeconds(30));
    }

    /** Claims the bench partition from its first page ({@code --force}). */
    public Lease claim() {
        AttemptInfo attempt = new AttemptInfo(Owners.newOwner(), null, null, null, null, "bench");
        return switch (leases.claim(BenchTable.JOB, OrderPages.PARTITION, new Leases.Start.Force(), attempt)) {
            case Leases.Claim.Claimed c -> c.lease();
            case Leases.Claim other -> throw new IllegalStateException("could not claim the bench partition: " + other);
        };
    }

    public void release(Lease lease) {
        leases.release(lease, new Leases.Ending("done", "done", 0, null, 0));
    }
}
