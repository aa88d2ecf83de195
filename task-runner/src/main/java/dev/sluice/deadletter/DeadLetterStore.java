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

    /**
     * One stored dead letter, as {@code sluice dead-letters} lists it.
     *
     * @param replayedAt when a replay completed it, or null
     */
    public record Stored(
            long id,
            String partition,
            long epoch,
            String recordKey,
            Integer status,
            String error,
            String excerpt,
            String traceId,
            JsonNode payload,
            java.time.Instant createdAt,
            java.time.Instant replayedAt) {}

    /** A job's dead letters (of one partition, or all when {@code partition} is null), oldest first. */
    public List<Stored> list(org.jdbi.v3.core.Jdbi jdbi, String job, String partition, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id, partition_key, epoch, record_key, status, error, excerpt, trace_id, payload::text AS payload,
                       created_at, replayed_at
                FROM sluice_dead_letter
                WHERE job = :job AND (CAST(:partition AS text) IS NULL OR partition_key = :partition)
                ORDER BY id LIMIT :limit""")
                .bind("job", job)
                .bind("partition", partition)
                .bind("limit", limit)
                .map((rs, ctx) -> new Stored(
                        rs.getLong("id"),
                        rs.getString("partition_key"),
                        rs.getLong("epoch"),
                        rs.getString("record_key"),
                        (Integer) rs.getObject("status"),
                        rs.getString("error"),
                        rs.getString("excerpt"),
                        rs.getString("trace_id"),
                        json(rs.getString("payload")),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getTimestamp("replayed_at") == null
                                ? null
                                : rs.getTimestamp("replayed_at").toInstant()))
                .list());
    }

    private static JsonNode json(String text) {
        try {
            return dev.sluice.Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
        }
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
