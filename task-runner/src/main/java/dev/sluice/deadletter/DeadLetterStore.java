package dev.sluice.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.db.PostgresValues;
import dev.sluice.lease.Lease;
import dev.sluice.sink.DeadLetter;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Keeps records that could not be written in {@code sluice_dead_letter}, in the transaction of
 * their page, with the raw payload, the error and the watermark the page was read from: nothing
 * is skipped silently, and each one can be inspected and replayed. What PostgreSQL cannot store
 * (a NUL, an unpaired surrogate, a number beyond numeric) is spelled out as text, so a dead letter
 * always stores: it is where such values go.
 */
public final class DeadLetterStore {
    /**
     * What a per-record call adds to its dead letter.
     *
     * @param status  the API's answer, or null
     * @param excerpt the start of the answer's body (capped, secrets masked), or null
     * @param traceId the call's trace id
     */
    public record CallDetails(Integer status, String excerpt, String traceId) {
        public static final CallDetails NONE = new CallDetails(null, null, null);
    }

    /** Stores a page's dead letters. */
    public void store(Handle transaction, Lease lease, JsonNode position, List<DeadLetter> letters) {
        store(transaction, lease, position, letters, java.util.Collections.nCopies(letters.size(), CallDetails.NONE));
    }

    /** Stores dead letters of per-record calls, each with its {@link CallDetails} (same order). */
    public void store(
            Handle transaction, Lease lease, JsonNode position, List<DeadLetter> letters, List<CallDetails> details) {
        if (letters.isEmpty()) {
            return;
        }
        PreparedBatch batch = transaction.prepareBatch("""
                INSERT INTO sluice_dead_letter
                       (job, partition_key, epoch, position, record_key, payload, error, status, excerpt, trace_id)
                VALUES (:job, :partition, :epoch, CAST(:position AS jsonb), :key, CAST(:payload AS jsonb), :error,
                        :status, :excerpt, :trace)""");
        for (int i = 0; i < letters.size(); i++) {
            DeadLetter letter = letters.get(i);
            CallDetails call = details.get(i);
            batch.bind("status", call.status())
                    .bind("excerpt", PostgresValues.storableText(call.excerpt()))
                    .bind("trace", call.traceId())
                    .bind("job", lease.job())
                    .bind("partition", lease.partition())
                    .bind("epoch", lease.epoch())
                    .bind("position", position == null ? null : PostgresValues.jsonbText(position))
                    .bind("key", PostgresValues.storableText(letter.recordKey()))
                    .bind("payload", PostgresValues.jsonbText(letter.payload()))
                    .bind("error", PostgresValues.storableText(letter.error()))
                    .add();
        }
        batch.execute();
    }
}
