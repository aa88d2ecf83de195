package dev.sluice.sandbox;

import dev.sluice.sandbox.internal.OrderGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The truth the sandbox serves: the {@code orders} of every partition, computed without a server.
 * Tests compare what a loader wrote against {@link #orders(String)}.
 *
 * <p>Any string is a partition key. Keys that are ISO dates ({@code 2026-11-01}) get records
 * updated from the start of that day (UTC); other keys get a day derived from the key. Records are
 * about 10 s apart, so {@code updated_at} strictly increases with {@code seq}.
 */
public final class Dataset {
    private final long seed;
    private final int recordsPerPartition;
    private final double recordsSpread;

    /**
     * @param seed                seeds every field
     * @param recordsPerPartition records in each partition (before spread)
     * @param recordsSpread       0 for exactly {@code recordsPerPartition}; s in (0, 1] varies
     *                            each partition's count within ±s of it
     */
    public Dataset(long seed, int recordsPerPartition, double recordsSpread) {
        this.seed = seed;
        this.recordsPerPartition = recordsPerPartition;
        this.recordsSpread = recordsSpread;
    }

    /** The dataset a sandbox with this configuration serves. */
    public static Dataset of(SandboxConfig config) {
        return new Dataset(config.seed(), config.recordsPerPartition(), config.recordsSpread());
    }

    /** How many records the partition holds. */
    public int count(String partition) {
        return OrderGenerator.count(seed, partition, recordsPerPartition, recordsSpread);
    }

    /** Record {@code seq} (1-based) of the partition, whether or not it is within {@link #count}. */
    public Order order(String partition, long seq) {
        return OrderGenerator.order(seed, partition, seq);
    }

    /** Every record of the partition, in {@code seq} order (which is also {@code updated_at} order). */
    public List<Order> orders(String partition) {
        return orders(partition, 1, count(partition));
    }

    /** Records {@code fromSeq..toSeq} (1-based, inclusive). */
    public List<Order> orders(String partition, long fromSeq, long toSeq) {
        List<Order> out = new ArrayList<>();
        for (long seq = fromSeq; seq <= toSeq; seq++) {
            out.add(order(partition, seq));
        }
        return out;
    }

    /** The records with {@code updated_at >= since}, in the order the API serves them. */
    public List<Order> updatedSince(String partition, Instant since) {
        return orders(partition, firstUpdatedSince(partition, since), count(partition));
    }

    /** The seq of the first record with {@code updated_at >= since} ({@code count + 1} if none). */
    public long firstUpdatedSince(String partition, Instant since) {
        long lo = 1;
        long hi = count(partition) + 1L;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (OrderGenerator.updatedAt(seed, partition, mid).isBefore(since)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
