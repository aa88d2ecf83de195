package dev.sluice.recordcall;

import dev.sluice.Json;
import dev.sluice.db.PostgresValues;
import dev.sluice.lease.FencedException;
import dev.sluice.lease.Lease;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * {@code sluice_call}: one row per (job, partition, record key), pending -> sent -> done | rejected.
 * "sent" is written (and committed) before a request leaves, fenced by the attempt's epoch, so a
 * crash leaves every call that might have reached the API marked; "done" and "rejected" are
 * written by {@link #finish} inside the transaction that commits the result and the watermark.
 */
public final class CallLedger {
    /** A record's ledger state as a new attempt finds it. */
    public enum State {
        PENDING,
        SENT,
        DONE,
        REJECTED
    }

    /**
     * A record's row as a new attempt finds it.
     *
     * @param answer for a sent call whose answer arrived before its attempt stopped: that answer,
     *               so it is committed without calling again (not in doubt); else null
     */
    public record Entry(State state, CallResult answer) {
        /** Sent, and no answer recorded: the API may or may not have applied it. */
        public boolean inDoubt() {
            return state == State.SENT && answer == null;
        }
    }

    /** A call's end, written in the commit's transaction. */
    public record Finished(
            String recordKey,
            boolean done,
            Integer status,
            int attempts,
            String traceId,
            String spanId,
            String error) {}

    private final Jdbi jdbi;

    public CallLedger(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Registers the records of a page as pending (those already known keep their state) and returns
     * each one's state, so that calls an earlier attempt left {@code sent} are found in doubt.
     */
    public Map<String, Entry> open(Lease lease, List<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        String[] array = keys.stream().map(PostgresValues::storableText).toArray(String[]::new);
        return jdbi.inTransaction(tx -> {
            tx.createUpdate("""
                    INSERT INTO sluice_call (job, partition_key, record_key, epoch)
                    SELECT :job, :partition, k, :epoch FROM unnest(CAST(:keys AS text[])) AS k
                    ON CONFLICT DO NOTHING""")
                    .bind("job", lease.job())
                    .bind("partition", lease.partition())
                    .bind("epoch", lease.epoch())
                    .bindArray("keys", String.class, (Object[]) array)
                    .execute();
            Map<String, Entry> states = new HashMap<>();
            tx.createQuery("""
                    SELECT record_key, state, answer FROM sluice_call
                    WHERE job = :job AND partition_key = :partition AND record_key = ANY(CAST(:keys AS text[]))""")
                    .bind("job", lease.job())
                    .bind("partition", lease.partition())
                    .bindArray("keys", String.class, (Object[]) array)
                    .map((rs, ctx) -> Map.entry(
                            rs.getString(1),
                            new Entry(State.valueOf(rs.getString(2).toUpperCase()), answer(rs.getString(3)))))
                    .forEach(e -> states.put(e.getKey(), e.getValue()));
            return states;
        });
    }

    /**
     * Marks a call sent, before its request leaves, while {@code lease} still owns the partition.
     *
     * @throws FencedException when a newer attempt owns the partition: nothing may be sent
     */
    public void sent(Lease lease, String recordKey, String idempotencyKey, String traceId, String spanId) {
        int updated = jdbi.withHandle(h -> h.createUpdate("""
                UPDATE sluice_call SET state = 'sent', epoch = :epoch, idempotency_key = :key, trace_id = :trace,
                       span_id = :span, answer = NULL, sent_at = now(), updated_at = now()
                WHERE job = :job AND partition_key = :partition AND record_key = :record
                  AND EXISTS (SELECT 1 FROM sluice_partition p
                              WHERE p.job = :job AND p.partition_key = :partition AND p.epoch = :epoch)""")
                .bind("epoch", lease.epoch())
                .bind("key", idempotencyKey)
                .bind("trace", traceId)
                .bind("span", spanId)
                .bind("job", lease.job())
                .bind("partition", lease.partition())
                .bind("record", PostgresValues.storableText(recordKey))
                .execute());
        if (updated == 0) {
            throw new FencedException(lease.job(), lease.partition(), lease.epoch(), -1);
        }
    }

    /**
     * Records a call's answer as soon as it arrives, before it is committed: if the attempt stops
     * now, the next one commits this answer instead of calling again, so only calls whose answer
     * never arrived are in doubt.
     */
    public void answered(Lease lease, String recordKey, CallResult answer) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE sluice_call SET answer = CAST(:answer AS jsonb), status = :status, updated_at = now()
                WHERE job = :job AND partition_key = :partition AND record_key = :record AND state = 'sent'""")
                .bind("answer", PostgresValues.jsonbText(Json.MAPPER.valueToTree(answer)))
                .bind("status", answer.status())
                .bind("job", lease.job())
                .bind("partition", lease.partition())
                .bind("record", PostgresValues.storableText(recordKey))
                .execute());
    }

    private static CallResult answer(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, CallResult.class);
        } catch (java.io.IOException e) {
            return null; // unreadable: treated as no answer, so in doubt: the safe side
        }
    }

    /** Counts a call found in doubt (sent by an earlier attempt, no answer recorded). */
    public void doubted(Lease lease, String recordKey) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE sluice_call SET in_doubt = in_doubt + 1, updated_at = now()
                WHERE job = :job AND partition_key = :partition AND record_key = :record""")
                .bind("job", lease.job())
                .bind("partition", lease.partition())
                .bind("record", PostgresValues.storableText(recordKey))
                .execute());
    }

    /** Writes the calls' ends, inside the transaction that commits their results. */
    public void finish(Handle transaction, Lease lease, List<Finished> calls) {
        if (calls.isEmpty()) {
            return;
        }
        PreparedBatch batch = transaction.prepareBatch("""
                UPDATE sluice_call SET state = :state, epoch = :epoch, answer = NULL, status = :status, attempts = attempts + :attempts,
                       trace_id = COALESCE(:trace, trace_id), span_id = COALESCE(:span, span_id), error = :error,
                       finished_at = now(), updated_at = now()
                WHERE job = :job AND partition_key = :partition AND record_key = :record""");
        for (Finished call : calls) {
            batch.bind("state", call.done() ? "done" : "rejected")
                    .bind("epoch", lease.epoch())
                    .bind("status", call.status())
                    .bind("attempts", call.attempts())
                    .bind("trace", call.traceId())
                    .bind("span", call.spanId())
                    .bind("error", PostgresValues.storableText(call.error()))
                    .bind("job", lease.job())
                    .bind("partition", lease.partition())
                    .bind("record", PostgresValues.storableText(call.recordKey()))
                    .add();
        }
        batch.execute();
    }
}
