package dev.sluice.watermark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.db.PostgresValues;
import dev.sluice.lease.FencedException;
import dev.sluice.lease.Lease;
import java.time.Duration;
import org.jdbi.v3.core.Handle;

/**
 * Moves a partition's watermark forward, only inside the transaction that writes the data it
 * covers, and only while the attempt's epoch is current. Call {@link #fence} first in the page's
 * transaction (it locks the partition row until commit, so no takeover can slip in between), then
 * write the sink, then {@link #advance}.
 */
public final class WatermarkStore {
    private final Duration leaseTtl;

    public WatermarkStore(Duration leaseTtl) {
        this.leaseTtl = leaseTtl;
    }

    /**
     * Locks the partition row and checks that {@code lease} still owns it.
     *
     * @return the partition's dead-letter count so far
     * @throws FencedException when a newer attempt (or a reset) took the partition
     */
    public long fence(Handle transaction, Lease lease) {
        var row = transaction
                .createQuery(
                        "SELECT epoch, dead_letters FROM sluice_partition WHERE job = ? AND partition_key = ? FOR UPDATE")
                .bind(0, lease.job())
                .bind(1, lease.partition())
                .map((rs, ctx) -> new long[] {rs.getLong("epoch"), rs.getLong("dead_letters")})
                .findOne()
                .orElseThrow(() -> new FencedException(lease.job(), lease.partition(), lease.epoch(), -1));
        if (row[0] != lease.epoch()) {
            throw new FencedException(lease.job(), lease.partition(), lease.epoch(), row[0]);
        }
        return row[1];
    }

    /**
     * Records the page: the new watermark, counters, and (for the last page) completion. Also
     * extends the lease, so a steadily committing attempt never needs a separate heartbeat.
     */
    public void advance(
            Handle transaction, Lease lease, JsonNode watermark, int records, int deadLetters, boolean last) {
        transaction
                .createUpdate("""
                UPDATE sluice_partition SET watermark = CAST(:watermark AS jsonb), pages = pages + 1,
                       records = records + :records, dead_letters = dead_letters + :dead,
                       state = CASE WHEN :last THEN 'done' ELSE state END,
                       completed_at = CASE WHEN :last THEN now() ELSE completed_at END,
                       lease_expires_at = now() + make_interval(secs => :ttl), heartbeat_at = now(), updated_at = now()
                WHERE job = :job AND partition_key = :partition AND epoch = :epoch""")
                .bind("watermark", watermark == null ? null : PostgresValues.jsonbText(watermark))
                .bind("records", records)
                .bind("dead", deadLetters)
                .bind("last", last)
                .bind("ttl", leaseTtl.toMillis() / 1000.0)
                .bind("job", lease.job())
                .bind("partition", lease.partition())
                .bind("epoch", lease.epoch())
                .execute();
        transaction
                .createUpdate("""
                UPDATE sluice_attempt SET pages = pages + 1, records = records + :records
                WHERE job = :job AND partition_key = :partition AND epoch = :epoch""")
                .bind("records", records)
                .bind("job", lease.job())
                .bind("partition", lease.partition())
                .bind("epoch", lease.epoch())
                .execute();
    }
}
