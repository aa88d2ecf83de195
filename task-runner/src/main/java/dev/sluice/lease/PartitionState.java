package dev.sluice.lease;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A partition's row in {@code sluice_partition}, as {@code sluice status} shows it.
 *
 * @param state          pending, running, done or failed
 * @param watermark      the committed position
 * @param epoch          the latest attempt's epoch
 * @param leaseOwner     the attempt holding the lease, or null
 * @param leaseExpiresAt when that lease lapses without a heartbeat
 */
public record PartitionState(
        String job,
        String partition,
        String state,
        JsonNode watermark,
        long epoch,
        String leaseOwner,
        Instant leaseExpiresAt,
        Instant heartbeatAt,
        int attempts,
        long pages,
        long records,
        long deadLetters,
        String lastError,
        Instant updatedAt,
        Instant completedAt) {

    @JsonIgnore
    public boolean isDone() {
        return "done".equals(state);
    }
}
