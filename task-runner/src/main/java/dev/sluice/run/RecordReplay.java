package dev.sluice.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.UsageException;
import dev.sluice.db.Database;
import dev.sluice.job.JobSpec;
import dev.sluice.lease.Lease;
import dev.sluice.lease.LeaseHeldException;
import dev.sluice.recordcall.CallLedger;
import dev.sluice.recordcall.CallResult;
import dev.sluice.recordcall.RecordCaller;
import dev.sluice.sink.Sink;
import dev.sluice.source.ApiCalls;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * {@code sluice replay}: calls the API again for the dead letters of a per-record job, after a fix
 * (of the API, the data or the spec), on the same call path as a run: the ledger marks each call
 * sent before it leaves, with the same idempotency key (job, record key, request hash), through the
 * run's shared limits, breaker and retries. The answers commit like a run's, per batch in one
 * transaction fenced by the partition's epoch: a call that is done now writes its sink row, becomes
 * done in the ledger and leaves the dead letters; one that fails again stays a dead letter with the
 * new error, status, excerpt and trace id. A partition an attempt is running is not touched.
 */
public final class RecordReplay {
    private final JobSpec job;
    private final Database database;
    private final ApiCalls calls;
    private final Tracer tracer;
    private final String owner;
    private final ReplayStore store;
    private final CallLedger ledger;

    /** What a replay did. */
    public record Result(int replayed, int cleared, List<Long> stillFailing, List<Long> notReplayable) {}

    public RecordReplay(JobSpec job, Database database, ApiCalls calls, Tracer tracer, String owner) {
        this.job = job;
        this.database = database;
        this.calls = calls;
        this.tracer = tracer;
        this.owner = owner;
        this.store = new ReplayStore(database.jdbi());
        this.ledger = new CallLedger(database.jdbi());
    }

    /**
     * Replays the job's call dead letters, of {@code partition} (null: all) and, when {@code ids} is
     * not empty, only those.
     *
     * @throws UsageException      when an id is not a dead letter of this job (and partition)
     * @throws LeaseHeldException  when an attempt is running a partition to replay (retry later)
     */
    public Result replay(String partition, List<Long> ids, BooleanSupplier stop) {
        List<ReplayStore.Letter> letters = store.letters(job.name(), partition, ids);
        if (!ids.isEmpty()) {
            List<Long> unknown = new ArrayList<>(ids);
            letters.forEach(l -> unknown.remove(Long.valueOf(l.id())));
            if (!unknown.isEmpty()) {
                throw new UsageException("--ids " + unknown + ": no such dead letter of job " + job.name()
                        + (partition == null ? "" : " partition " + partition)
                        + "; list them with: sluice dead-letters --job ...");
            }
        }
        Map<String, List<ReplayStore.Letter>> byPartition = new LinkedHashMap<>();
        List<Long> notReplayable = new ArrayList<>();
        for (ReplayStore.Letter letter : letters) {
            if (letter.record() == null || letter.recordKey() == null) {
                notReplayable.add(letter.id()); // an input line that could not be read: fix the input
            } else {
                byPartition
                        .computeIfAbsent(letter.partition(), p -> new ArrayList<>())
                        .add(letter);
            }
        }
        Sink sink = job.sink().open(job.name());
        database.jdbi().useHandle(sink::prepare);
        int replayed = 0;
        int cleared = 0;
        List<Long> failing = new ArrayList<>();
        for (Map.Entry<String, List<ReplayStore.Letter>> e : byPartition.entrySet()) {
            Lease lease = fence(e.getKey());
            try (RecordCaller caller = new RecordCaller(
                    job.call(),
                    job.limits(),
                    job.name(),
                    calls,
                    job.partitions().parse(e.getKey()),
                    tracer,
                    Context.current())) {
                for (List<ReplayStore.Letter> batch : batches(e.getValue())) {
                    if (stop.getAsBoolean()) {
                        throw new StoppedException(job.name(), e.getKey(), false);
                    }
                    List<CallResult> results = call(caller, lease, batch);
                    List<Long> failed = store.commit(lease, batch, results, sink);
                    replayed += batch.size();
                    cleared += batch.size() - failed.size();
                    failing.addAll(failed);
                }
            }
        }
        return new Result(replayed, cleared, failing, notReplayable);
    }

    /** The partition's current epoch, as a lease that fences the replay's writes; refused while an attempt runs. */
    private Lease fence(String partition) {
        ReplayStore.Owner current = store.owner(job.name(), partition);
        if (current.heldBy() != null) {
            throw new LeaseHeldException(job.name(), partition, current.heldBy(), current.until());
        }
        return new Lease(job.name(), partition, current.epoch(), owner, null);
    }

    private List<List<ReplayStore.Letter>> batches(List<ReplayStore.Letter> letters) {
        int size = Math.max(1, job.call().concurrency());
        List<List<ReplayStore.Letter>> batches = new ArrayList<>();
        for (int i = 0; i < letters.size(); i += size) {
            batches.add(letters.subList(i, Math.min(letters.size(), i + size)));
        }
        return batches;
    }

    /** The batch's calls, concurrently (one virtual thread each); a failure of the whole run propagates. */
    private List<CallResult> call(RecordCaller caller, Lease lease, List<ReplayStore.Letter> batch) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<CallResult>> futures = new ArrayList<>();
            for (ReplayStore.Letter letter : batch) {
                futures.add(CompletableFuture.supplyAsync(() -> call(caller, lease, letter), threads));
            }
            List<CallResult> results = new ArrayList<>();
            for (CompletableFuture<CallResult> future : futures) {
                try {
                    results.add(future.join());
                } catch (java.util.concurrent.CompletionException e) {
                    futures.forEach(f -> f.cancel(true));
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            }
            return results;
        }
    }

    private CallResult call(RecordCaller caller, Lease lease, ReplayStore.Letter letter) {
        JsonNode record = letter.record();
        String key = letter.recordKey();
        CallResult result = caller.call(
                record,
                key,
                false,
                (idempotencyKey, trace, span) -> ledger.sent(lease, key, idempotencyKey, trace, span));
        if (result.attempts() > 0) {
            ledger.answered(lease, key, result);
        }
        return result;
    }
}
