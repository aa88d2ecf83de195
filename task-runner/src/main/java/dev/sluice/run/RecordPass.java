package dev.sluice.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.lease.Lease;
import dev.sluice.partition.Partition;
import dev.sluice.recordcall.CallLedger;
import dev.sluice.recordcall.CallResult;
import dev.sluice.recordcall.RecordCaller;
import dev.sluice.sink.Sink;
import dev.sluice.source.Page;
import dev.sluice.source.Source;
import dev.sluice.source.Unreadable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One attempt's pass over a per-record partition. Records are read page by page and called on
 * virtual threads, at most {@code concurrency} in flight and twice that many read ahead (so memory
 * is bounded whatever the input's size); results are committed in input order, as a contiguous
 * prefix, so a slow record never lets the watermark skip it. The watermark is
 * {@code {"source": <the source's position of the page>, "skip": <records of it committed>}}, or
 * {@code {"source": <the position after the last committed record>, "skip": 0}} for a source that
 * names the position of each record (a stream: {@link Source#positionAfter}).
 */
final class RecordPass {
    private static final Logger LOG = LoggerFactory.getLogger(RecordPass.class);
    private static final int BATCH = 64;
    private static final Duration COMMIT_EVERY = Duration.ofMillis(250);
    /** How long stopping waits for interrupted calls to end (each is one bounded exchange at most). */
    private static final Duration CALLS_STOP_WAIT = Duration.ofSeconds(5);

    /** A page being worked through. */
    private record PageRef(JsonNode from, Page page, boolean fromStart) {}

    /** One record in the window (or, with no record, the end of an empty page). */
    private record Item(PageRef page, int index, String key, JsonNode record, CompletableFuture<CallResult> result) {}

    private final String recordKey;
    private final Lease lease;
    private final Partition partition;
    private final Source source;
    private final Sink sink;
    private final RecordCaller caller;
    private final CallLedger ledger;
    private final RecordCommit commits;
    private final Progress progress;
    private final String traceId;
    private final CrashPoints crashPoints;
    private final int concurrency;
    private final Semaphore inFlight;
    private volatile long inDoubt;
    private JsonNode committed;
    private Map<String, CallLedger.Entry> states = Map.of();

    RecordPass(
            String recordKey,
            Lease lease,
            Partition partition,
            Source source,
            Sink sink,
            RecordCaller caller,
            CallLedger ledger,
            RecordCommit commits,
            Progress progress,
            String traceId,
            CrashPoints crashPoints,
            int concurrency) {
        this.recordKey = recordKey;
        this.lease = lease;
        this.partition = partition;
        this.source = source;
        this.sink = sink;
        this.caller = caller;
        this.ledger = ledger;
        this.commits = commits;
        this.progress = progress;
        this.traceId = traceId;
        this.crashPoints = crashPoints;
        this.concurrency = concurrency;
        this.inFlight = new Semaphore(concurrency, true);
    }

    /**
     * Runs to the partition's end and returns the last watermark committed; {@code stop} is polled
     * while waiting for answers. On any failure the calls still in flight are interrupted (they stay
     * "sent" in the ledger: in doubt for the next attempt).
     */
    JsonNode run(JsonNode watermark, BooleanSupplier stop) {
        ArrayDeque<Item> window = new ArrayDeque<>();
        List<Item> ready = new ArrayList<>();
        JsonNode position = sourcePosition(watermark);
        int skip = watermark == null || watermark.get("skip") == null
                ? 0
                : watermark.get("skip").asInt();
        committed = watermark;
        PageRef page = null;
        int next = 0;
        long lastCommit = System.nanoTime();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            while (true) {
                while (window.size() < 2 * concurrency) { // read ahead, bounded
                    if (page == null || next >= page.page().records().size()) {
                        if (page != null && page.page().last()) {
                            break;
                        }
                        page = read(page == null ? position : page.page().next(), page == null ? skip : 0);
                        next = page.fromStart() ? 0 : skip;
                        if (page.page().records().size() <= next) {
                            window.add(new Item(page, -1, null, null, CompletableFuture.completedFuture(null)));
                            continue;
                        }
                        states = ledger.open(lease, keys(page.page(), next));
                    }
                    window.add(dispatch(threads, page, next++));
                }
                if (window.isEmpty() && ready.isEmpty()) {
                    return committed;
                }
                Item head = window.peek();
                if (head != null && awaited(head, stop)) {
                    ready.add(window.poll());
                    continue;
                }
                boolean due = ready.size() >= BATCH
                        || window.isEmpty()
                        || System.nanoTime() - lastCommit > COMMIT_EVERY.toNanos();
                if (!ready.isEmpty() && due) {
                    committed = commit(ready, committed);
                    ready.clear();
                    lastCommit = System.nanoTime();
                }
            }
        } finally {
            stopCalls(threads);
        }
    }

    /**
     * Interrupts the calls still in flight and gives them a moment to end: an interrupted call hands
     * back a breaker probe it holds, which the process must not exit before writing.
     */
    private static void stopCalls(ExecutorService threads) {
        threads.shutdownNow();
        try {
            threads.awaitTermination(CALLS_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The source's position inside a record watermark. A commit inside the first page stores the
     * page's start, JSON null: it must reach the source as "from the start" (Java null), never as a
     * NullNode, which no source accepts as its own position.
     */
    private static JsonNode sourcePosition(JsonNode watermark) {
        JsonNode source = watermark == null ? null : watermark.get("source");
        return source == null || source.isNull() ? null : source;
    }

    /** The last watermark this pass committed (where it started, before its first commit). */
    JsonNode committed() {
        return committed;
    }

    /** Calls this attempt found in doubt so far. */
    long inDoubt() {
        return inDoubt;
    }

    private PageRef read(JsonNode from, int skip) {
        Page page = source.read(partition, from);
        return new PageRef(from, page, skip == 0);
    }

    private List<String> keys(Page page, int from) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < page.records().size(); i++) {
            keys.add(keyOf(page.records().get(i)));
        }
        return keys;
    }

    private String keyOf(JsonNode record) {
        JsonNode key = record.get(recordKey);
        return key == null || key.isNull() ? null : key.isValueNode() ? key.asText() : key.toString();
    }

    private Item dispatch(ExecutorService threads, PageRef page, int index) {
        JsonNode record = page.page().records().get(index);
        String key = keyOf(record);
        if (key == null) {
            return new Item(
                    page,
                    index,
                    null,
                    record,
                    CompletableFuture.completedFuture(new CallResult(
                            CallResult.Kind.UNFIT,
                            null,
                            null,
                            null,
                            "the record has no " + recordKey + " (its key); nothing was sent",
                            0,
                            traceId,
                            null,
                            null,
                            false)));
        }
        CallLedger.Entry entry = states.get(key);
        if (entry != null && entry.answer() != null && entry.state() == CallLedger.State.SENT) {
            log(key, entry.answer()); // answered before the last attempt stopped: committed as is
            return new Item(page, index, key, record, CompletableFuture.completedFuture(entry.answer()));
        }
        boolean doubted = entry != null && entry.inDoubt();
        if (doubted) {
            inDoubt++;
            ledger.doubted(lease, key);
        }
        CompletableFuture<CallResult> result = new CompletableFuture<>();
        threads.submit(() -> {
            try {
                inFlight.acquire();
                try {
                    CallResult r = caller.call(
                            record,
                            key,
                            doubted,
                            (idempotencyKey, trace, span) -> ledger.sent(lease, key, idempotencyKey, trace, span));
                    if (r.attempts() > 0) {
                        ledger.answered(lease, key, r);
                    }
                    log(key, r);
                    result.complete(r);
                } finally {
                    inFlight.release();
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return new Item(page, index, key, record, result);
    }

    private void log(String key, CallResult r) {
        MDC.put("span_id", r.spanId());
        try {
            LOG.info(
                    "{}/{} record {}: {}{} after {} request(s){} (trace_id {} span_id {})",
                    lease.job(),
                    lease.partition(),
                    key,
                    r.kind().name().toLowerCase(java.util.Locale.ROOT),
                    r.status() == null ? "" : " " + r.status(),
                    r.attempts(),
                    r.inDoubt() ? ", in doubt" : "",
                    r.traceId(),
                    r.spanId());
        } finally {
            MDC.remove("span_id");
        }
    }

    /** Waits a little for the head's result; true when it is there. A failed call fails the run. */
    private boolean awaited(Item head, BooleanSupplier stop) {
        if (stop.getAsBoolean()) {
            throw new StoppedException(lease.job(), lease.partition(), false);
        }
        try {
            head.result().get(50, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoppedException(lease.job(), lease.partition(), "waiting for a call's answer", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Commits the ready prefix read from watermark {@code from}; returns the watermark it committed. */
    private JsonNode commit(List<Item> ready, JsonNode from) {
        List<RecordCommit.Done> prefix = new ArrayList<>();
        for (Item item : ready) {
            boolean first = item.page().fromStart() && item.index() <= 0;
            List<Unreadable> unreadable = first ? item.page().page().unreadable() : List.of();
            prefix.add(new RecordCommit.Done(
                    item.key(), item.record(), item.result().join(), unreadable));
        }
        Item last = ready.getLast();
        boolean pageEnd =
                last.index() < 0 || last.index() == last.page().page().records().size() - 1;
        // a source that names the position after each record (a stream's entry id) gets it stored
        // as is; others store the page's start and how many of its records are committed
        Optional<JsonNode> exact =
                pageEnd ? Optional.empty() : source.positionAfter(last.page().page(), last.index());
        ObjectNode watermark = Json.MAPPER.createObjectNode();
        watermark.set(
                "source",
                pageEnd ? last.page().page().next() : exact.orElse(last.page().from()));
        watermark.put("skip", pageEnd || exact.isPresent() ? 0 : last.index() + 1);
        boolean done = pageEnd && last.page().page().last();
        long commitOfRun = progress.pages + 1;
        RecordCommit.Committed committed = commits.commit(
                lease,
                prefix,
                from,
                watermark,
                done,
                sink,
                traceId,
                () -> crashPoints.reach("before_commit", commitOfRun));
        crashPoints.reach("after_commit", commitOfRun);
        progress.page(committed.records(), committed.deadLetters());
        return watermark;
    }
}
