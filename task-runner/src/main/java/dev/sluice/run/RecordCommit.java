package dev.sluice.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.lease.Lease;
import dev.sluice.recordcall.CallLedger;
import dev.sluice.recordcall.CallResult;
import dev.sluice.sink.DataErrorException;
import dev.sluice.sink.DeadLetter;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.source.Unreadable;
import dev.sluice.watermark.WatermarkStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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

    Committed commit(
            Lease lease,
            List<Done> prefix,
            JsonNode watermark,
            boolean last,
            Sink sink,
            String traceId,
            Runnable beforeCommit) {
        return jdbi.inTransaction(tx -> {
            long deadSoFar = watermarks.fence(tx, lease);
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
                    letters.add(new DeadLetter(
                            done.key(), payload(done), done.result().error()));
                    details.add(details(done.result()));
                }
            }
            SinkResult written = documents.isEmpty()
                    ? new SinkResult(0, List.of())
                    : sink.write(tx, new SinkBatch(lease.job(), lease.partition(), lease.epoch(), traceId, documents));
            List<String> unfit = new ArrayList<>();
            for (DeadLetter letter : written.deadLetters()) {
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
            if (!letters.isEmpty() && deadSoFar + letters.size() > maxDeadLetters) {
                throw tooMany(lease, deadSoFar + letters.size(), letters.getFirst());
            }
            deadLetters.store(tx, lease, watermark, letters, details);
            ledger.finish(tx, lease, finished(prefix, unfit));
            int records = (int) prefix.stream().filter(d -> d.result() != null).count();
            int loaded = records - (letters.size() - unreadable(prefix));
            watermarks.advance(tx, lease, watermark, loaded, letters.size(), last);
            beforeCommit.run();
            return new Committed(loaded, letters.size());
        });
    }

    private static int unreadable(List<Done> prefix) {
        return prefix.stream().mapToInt(d -> d.unreadable().size()).sum();
    }

    /** What the sink maps: {@code $.record}, {@code $.response}, {@code $.call.status|attempts|trace_id|...}. */
    private static JsonNode document(Done done) {
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

    private static JsonNode payload(Done done) {
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
