package dev.sluice.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.db.PostgresValues;
import dev.sluice.lease.FencedException;
import dev.sluice.lease.Lease;
import dev.sluice.recordcall.CallLedger;
import dev.sluice.recordcall.CallResult;
import dev.sluice.sink.DeadLetter;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The SQL of {@link RecordReplay}: which dead letters to replay, who holds a partition, and a batch's commit. */
final class ReplayStore {
    /** A dead letter of a call: its record (null for an input line that could not be read). */
    record Letter(long id, String partition, String recordKey, JsonNode record) {}

    /** A partition's epoch and, while an attempt runs it, that attempt's lease. */
    record Owner(long epoch, String heldBy, Instant until) {}

    private final Jdbi jdbi;

    ReplayStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The job's dead letters, oldest first; of one partition and only {@code ids} when given. */
    List<Letter> letters(String job, String partition, List<Long> ids) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id, partition_key, record_key, payload -> 'record' AS record,
                       trace_id IS NOT NULL AND payload -> 'record' IS NOT NULL AS call
                FROM sluice_dead_letter
                WHERE job = :job AND (CAST(:partition AS text) IS NULL OR partition_key = :partition)
                  AND (cardinality(CAST(:ids AS bigint[])) = 0 OR id = ANY(CAST(:ids AS bigint[])))
                ORDER BY id""")
                .bind("job", job)
                .bind("partition", partition)
                .bindArray("ids", Long.class, ids.toArray())
                .map((rs, ctx) -> new Letter(
                        rs.getLong("id"),
                        rs.getString("partition_key"),
                        rs.getString("record_key"),
                        rs.getBoolean("call") ? json(rs.getString("record")) : null))
                .list());
    }

    Owner owner(String job, String partition) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT epoch, CASE WHEN lease_expires_at > now() THEN lease_owner END AS held_by, lease_expires_at
                FROM sluice_partition WHERE job = :job AND partition_key = :partition""")
                .bind("job", job)
                .bind("partition", partition)
                .map((rs, ctx) -> new Owner(
                        rs.getLong("epoch"),
                        rs.getString("held_by"),
                        rs.getTimestamp("lease_expires_at") == null
                                ? null
                                : rs.getTimestamp("lease_expires_at").toInstant()))
                .one());
    }

    /**
     * Commits a batch's answers in one transaction, only while the partition's epoch is still the
     * lease's (no attempt started meanwhile): done calls go to the sink, become done in the ledger
     * and leave the dead letters; the others keep their dead letter, with the new error.
     *
     * @return the ids of the dead letters that still fail
     */
    List<Long> commit(Lease lease, List<Letter> batch, List<CallResult> results, Sink sink) {
        return jdbi.inTransaction(tx -> {
            long epoch = tx.createQuery(
                            "SELECT epoch FROM sluice_partition WHERE job = :job AND partition_key = :partition FOR UPDATE")
                    .bind("job", lease.job())
                    .bind("partition", lease.partition())
                    .mapTo(Long.class)
                    .one();
            if (epoch != lease.epoch()) {
                throw new FencedException(lease.job(), lease.partition(), lease.epoch(), epoch);
            }
            Map<String, String> errors = sinkWrite(tx, lease, batch, results, sink);
            List<Long> failing = new ArrayList<>();
            List<CallLedger.Finished> finished = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Letter letter = batch.get(i);
                CallResult r = results.get(i);
                String error = r.done() ? errors.get(letter.recordKey()) : r.error();
                finished.add(new CallLedger.Finished(
                        letter.recordKey(), error == null, r.status(), r.attempts(), r.traceId(), r.spanId(), error));
                if (error == null) {
                    tx.execute("DELETE FROM sluice_dead_letter WHERE id = ?", letter.id());
                } else {
                    failing.add(letter.id());
                    stillFailing(tx, lease, letter, r, error);
                }
            }
            new CallLedger(jdbi).finish(tx, lease, finished);
            int cleared = batch.size() - failing.size();
            tx.createUpdate("""
                    UPDATE sluice_partition SET records = records + :cleared, dead_letters = dead_letters - :cleared,
                           updated_at = now()
                    WHERE job = :job AND partition_key = :partition""")
                    .bind("cleared", cleared)
                    .bind("job", lease.job())
                    .bind("partition", lease.partition())
                    .execute();
            return failing;
        });
    }

    /** Writes the done calls' documents; returns why the sink refused some, by record key. */
    private static Map<String, String> sinkWrite(
            Handle tx, Lease lease, List<Letter> batch, List<CallResult> results, Sink sink) {
        Map<JsonNode, String> keys = new IdentityHashMap<>();
        List<JsonNode> documents = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (results.get(i).done()) {
                Letter letter = batch.get(i);
                JsonNode document = RecordCommit.document(
                        new RecordCommit.Done(letter.recordKey(), letter.record(), results.get(i), List.of()));
                keys.put(document, letter.recordKey());
                documents.add(document);
            }
        }
        Map<String, String> errors = new java.util.HashMap<>();
        if (documents.isEmpty()) {
            return errors;
        }
        String traceId = results.getFirst().traceId();
        for (DeadLetter unfit : sink.write(
                        tx, new SinkBatch(lease.job(), lease.partition(), lease.epoch(), traceId, documents))
                .deadLetters()) {
            String key = keys.getOrDefault(unfit.payload(), unfit.recordKey());
            errors.put(key, "the answer does not fit the sink: " + unfit.error());
        }
        return errors;
    }

    private static void stillFailing(Handle tx, Lease lease, Letter letter, CallResult r, String error) {
        JsonNode payload =
                RecordCommit.payload(new RecordCommit.Done(letter.recordKey(), letter.record(), r, List.of()));
        tx.createUpdate("""
                UPDATE sluice_dead_letter SET epoch = :epoch, payload = CAST(:payload AS jsonb), error = :error,
                       status = :status, excerpt = :excerpt, trace_id = :trace
                WHERE id = :id""")
                .bind("epoch", lease.epoch())
                .bind("payload", PostgresValues.jsonbText(payload))
                .bind("error", PostgresValues.storableText(error))
                .bind("status", r.status())
                .bind("excerpt", PostgresValues.storableText(r.excerpt()))
                .bind("trace", r.traceId())
                .bind("id", letter.id())
                .execute();
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? null : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("a stored dead letter's record is not JSON", e);
        }
    }
}
