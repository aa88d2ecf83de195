package dev.sluice.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.db.Pipeline;
import dev.sluice.db.PipelineStatement;
import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.lease.FencedException;
import dev.sluice.lease.Lease;
import dev.sluice.recordcall.CallLedger;
import dev.sluice.recordcall.CallResult;
import dev.sluice.sink.DataErrorException;
import dev.sluice.sink.DeadLetter;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.sink.SinkStatement;
import dev.sluice.source.Unreadable;
import dev.sluice.watermark.PageAdvance;
import dev.sluice.watermark.WatermarkStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Commits a contiguous prefix of per-record calls (rule 1 and the ledger's "done"): in one
 * transaction, under the epoch fence, the done calls' result documents go to the sink, everything
 * else to dead letters (with status, excerpt and trace id), the ledger rows become done or
 * rejected, and the watermark moves to the position after the prefix's last record.
 */
final class RecordCommit {
    /** One finished record of the prefix; a page's unreadable entries ride with its first record. */
    record Done(String key, JsonNode record, CallResult result, List<Unreadable> unreadable) {}

    /** What a commit stored: records loaded and dead letters kept. */
    record Committed(int records, int deadLetters) {}

    private final Jdbi jdbi;
    private final WatermarkStore watermarks;
    private final CallLedger ledger;
    private final DeadLetterStore deadLetters = new DeadLetterStore();
    private final long maxDeadLetters;

    RecordCommit(Jdbi jdbi, WatermarkStore watermarks, CallLedger ledger, long maxDeadLetters) {
        this.jdbi = jdbi;
        this.watermarks = watermarks;
        this.ledger = ledger;
        this.maxDeadLetters = maxDeadLetters;
    }

    /**
     * @param from         the watermark the previous commit left (where the prefix was read from)
     * @param to           the watermark after the prefix
     * @param beforeCommit runs last inside the transaction (crash tests halt there)
     * @throws FencedException    when another attempt owns the partition now
     * @throws DataErrorException when the prefix takes the dead letters past the limit
     */
    Committed commit(
            Lease lease,
            List<Done> prefix,
            JsonNode from,
            JsonNode to,
            boolean last,
            Sink sink,
            String traceId,
            Runnable beforeCommit) {
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(tx -> once(tx, lease, prefix, from, to, last, sink, traceId, beforeCommit));
            } catch (AlreadyCommitted done) {
                return done.committed;
            } catch (RuntimeException e) {
                if (!(PageRetries.retry(e, attempt) || (attempt < PageRetries.TRIES && sink.retry(e)))) {
                    throw e;
                }
            }
        }
    }

    /**
     * One try, on the page transaction's path (see {@link PageTransaction}): the watermark update
     * with the epoch fence folded in and the sink's statement in one round trip, the update first
     * so the partition row is locked before any sink row.
     */
    private Committed once(
            Handle tx,
            Lease lease,
            List<Done> prefix,
            JsonNode from,
            JsonNode to,
            boolean last,
            Sink sink,
            String traceId,
            Runnable beforeCommit) {
        Map<JsonNode, Done> byDocument = new IdentityHashMap<>();
        List<JsonNode> documents = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        List<DeadLetterStore.CallDetails> details = new ArrayList<>();
        for (Done done : prefix) {
            done.unreadable().forEach(u -> {
                letters.add(new DeadLetter(u.recordKey(), u.payload(), u.error()));
                details.add(DeadLetterStore.CallDetails.NONE);
            });
            if (done.result() == null) {
                continue;
            }
            if (done.result().done()) {
                JsonNode document = document(done);
                byDocument.put(document, done);
                documents.add(document);
            } else {
                letters.add(
                        new DeadLetter(done.key(), payload(done), done.result().error()));
                details.add(details(done.result()));
            }
        }
        SinkBatch batch = new SinkBatch(lease.job(), lease.partition(), lease.epoch(), traceId, documents);
        Optional<SinkStatement> statement = documents.isEmpty() ? Optional.empty() : sink.statement(batch);
        SinkResult written = statement.isPresent() || documents.isEmpty()
                ? null
                : sink.write(tx, batch); // a sink without one statement writes first, in this transaction
        List<DeadLetter> unfitLetters =
                statement.map(SinkStatement::deadLetters).orElse(written == null ? List.of() : written.deadLetters());
        List<String> unfit = new ArrayList<>();
        for (DeadLetter letter : unfitLetters) {
            Done done = byDocument.get(letter.payload());
            letters.add(new DeadLetter(
                    done == null ? letter.recordKey() : done.key(),
                    letter.payload(),
                    "the answer does not fit the sink: " + letter.error()));
            details.add(done == null ? DeadLetterStore.CallDetails.NONE : details(done.result()));
            if (done != null) {
                unfit.add(done.key());
            }
        }
        int records = (int) prefix.stream().filter(d -> d.result() != null).count();
        int loaded = records - (letters.size() - unreadable(prefix));
        PageAdvance advance = new PageAdvance(from, to, loaded, letters.size(), last);
        List<PipelineStatement> statements = new ArrayList<>(2);
        statements.add(watermarks.advance(lease, advance));
        statement.ifPresent(st -> statements.add(st.statement()));
        List<Pipeline.Result> results = Pipeline.send(tx, statements);
        Committed committed = new Committed(loaded, letters.size());
        if (results.getFirst().values().isEmpty()) {
            throw refused(tx, lease, advance, committed);
        }
        long deadSoFar = results.getFirst().values().getFirst(); // counting this commit's
        if (!letters.isEmpty() && deadSoFar > maxDeadLetters) {
            throw tooMany(lease, deadSoFar, letters.getFirst());
        }
        deadLetters.store(tx, lease, to, letters, details);
        ledger.finish(tx, lease, finished(prefix, unfit));
        beforeCommit.run();
        return committed;
    }

    /** The watermark update matched no row: fenced, or this commit went through in an earlier try. */
    private RuntimeException refused(Handle tx, Lease lease, PageAdvance advance, Committed committed) {
        return switch (watermarks.refusal(tx, lease, advance)) {
            case WatermarkStore.Refusal.Fenced f ->
                new FencedException(lease.job(), lease.partition(), lease.epoch(), f.current());
            case WatermarkStore.Refusal.AlreadyAdvanced a -> new AlreadyCommitted(committed);
            case WatermarkStore.Refusal.Moved m ->
                new IllegalStateException(lease.job() + "/" + lease.partition()
                        + ": the watermark moved away from where these records were read, under this attempt's own"
                        + " epoch " + lease.epoch()
                        + "; nothing of them was committed. This is a bug, please report it.");
        };
    }

    /**
     * An earlier try committed although its COMMIT failed on the client's side: this try is
     * rolled back and the records count as committed, once.
     */
    private static final class AlreadyCommitted extends RuntimeException {
        final transient Committed committed;

        AlreadyCommitted(Committed committed) {
            super(null, null, false, false);
            this.committed = committed;
        }
    }

    private static int unreadable(List<Done> prefix) {
        return prefix.stream().mapToInt(d -> d.unreadable().size()).sum();
    }

    /** What the sink maps: {@code $.record}, {@code $.response}, {@code $.call.status|attempts|trace_id|...}. */
    static JsonNode document(Done done) {
        ObjectNode document = Json.MAPPER.createObjectNode();
        document.set("record", done.record());
        document.set("response", done.result().response());
        document.set("call", call(done.result()));
        return document;
    }

    private static ObjectNode call(CallResult result) {
        ObjectNode call = Json.MAPPER.createObjectNode();
        if (result.status() != null) {
            call.put("status", result.status());
        }
        call.put("attempts", result.attempts());
        call.put("trace_id", result.traceId());
        call.put("span_id", result.spanId());
        call.put("idempotency_key", result.idempotencyKey());
        call.put("in_doubt", result.inDoubt());
        return call;
    }

    static JsonNode payload(Done done) {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.set("record", done.record());
        payload.set("call", call(done.result()));
        return payload;
    }

    private static DeadLetterStore.CallDetails details(CallResult result) {
        return new DeadLetterStore.CallDetails(result.status(), result.excerpt(), result.traceId());
    }

    private static List<CallLedger.Finished> finished(List<Done> prefix, List<String> unfit) {
        List<CallLedger.Finished> out = new ArrayList<>();
        for (Done done : prefix) {
            CallResult r = done.result();
            if (r != null) {
                boolean ok = r.done() && !unfit.contains(done.key());
                out.add(new CallLedger.Finished(
                        done.key(),
                        ok,
                        r.status(),
                        r.attempts(),
                        r.traceId(),
                        r.spanId(),
                        ok ? null : (r.error() == null ? "the answer does not fit the sink" : r.error())));
            }
        }
        return out;
    }

    private DataErrorException tooMany(Lease lease, long dead, DeadLetter first) {
        return new DataErrorException(
                lease.job() + "/" + lease.partition() + " has " + dead + " dead letters, more than "
                        + "dead_letters.max = " + maxDeadLetters + "; first: " + first.error()
                        + (first.recordKey() == null ? "" : " (record " + first.recordKey() + ")")
                        + ". Nothing of it was committed; fix the data, the API or the spec (or raise "
                        + "dead_letters.max), then re-run.",
                dead);
    }
}
