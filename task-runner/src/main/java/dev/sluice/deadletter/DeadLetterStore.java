package dev.sluice.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.lease.Lease;
import dev.sluice.sink.DeadLetter;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Keeps records that could not be written in {@code sluice_dead_letter}, in the transaction of
 * their page, with the raw payload, the error and the watermark the page was read from: nothing
 * is skipped silently, and each one can be inspected and replayed.
 */
public final class DeadLetterStore {
    /** Stores a page's dead letters. */
    public void store(Handle transaction, Lease lease, JsonNode position, List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        PreparedBatch batch = transaction.prepareBatch("""
                INSERT INTO sluice_dead_letter (job, partition_key, epoch, position, record_key, payload, error)
                VALUES (:job, :partition, :epoch, CAST(:position AS jsonb), :key, CAST(:payload AS jsonb), :error)""");
        for (DeadLetter letter : letters) {
            batch.bind("job", lease.job())
                    .bind("partition", lease.partition())
                    .bind("epoch", lease.epoch())
                    .bind("position", position == null ? null : position.toString())
                    .bind("key", letter.recordKey())
                    .bind("payload", sanitized(letter.payload()))
                    .bind("error", letter.error())
                    .add();
        }
        batch.execute();
    }

    /** jsonb cannot hold \u0000; the payload is kept with it spelled out, so the row still stores. */
    private static String sanitized(JsonNode payload) {
        return payload.toString().replace("\\u0000", "\\\\u0000");
    }
}
