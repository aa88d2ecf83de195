package dev.sluice.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Outcome;
import dev.sluice.ResumeHint;
import dev.sluice.Sleeper;
import dev.sluice.SluiceException;
import dev.sluice.StartupTrace;
import dev.sluice.call.CallStats;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseErrors;
import dev.sluice.db.DatabaseFailureException;
import dev.sluice.job.JobSpec;
import dev.sluice.lease.AttemptCounts;
import dev.sluice.lease.Lease;
import dev.sluice.lease.LeaseHeldException;
import dev.sluice.lease.Leases;
import dev.sluice.lease.PartitionState;
import dev.sluice.partition.Partition;
import dev.sluice.recordcall.CallLedger;
import dev.sluice.recordcall.RecordCaller;
import dev.sluice.sink.DataErrorException;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkResult;
import dev.sluice.source.ApiCalls;
import dev.sluice.source.Page;
import dev.sluice.source.Source;
import dev.sluice.source.SourceContext;
import dev.sluice.telemetry.PageObserver;
import dev.sluice.watermark.WatermarkStore;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt of one partition: claim the lease (epoch N), read from the committed watermark,
 * and for each page write the sink rows and advance the watermark in one transaction that only
 * commits while the epoch is still N. Every way out (done, already complete, failure) ends with a
 * {@link RunSummary}.
 */
public final class PartitionRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionRunner.class);

    private final JobSpec job;
    private final Database database;
    private final ApiCalls calls;
    private final CallStats stats;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ToIntFunction<Outcome> exitCodes;
    private final String traceId;
    private final Leases leases;
    private final PageTransaction pages;
    private final CrashPoints crashPoints;
    private final PageObserver observer;
    private final Tracer tracer;

    public PartitionRunner(
            JobSpec job,
            Database database,
            ApiCalls calls,
            CallStats stats,
            Clock clock,
            Sleeper sleeper,
            ToIntFunction<Outcome> exitCodes,
            String traceId,
            Map<String, String> env) {
        this(
                job,
                database,
                calls,
                stats,
                clock,
                sleeper,
                exitCodes,
                traceId,
                env,
                PageObserver.NONE,
                TracerProvider.noop().get("sluice"));
    }

    /**
     * @param observer hears of every page from its first call to its commit (spans, metrics)
     * @param tracer   makes the span of each per-record call, a child of the trace context current
     *                 when {@link #run} is called (the run's span)
     */
    public PartitionRunner(
            JobSpec job,
            Database database,
            ApiCalls calls,
            CallStats stats,
            Clock clock,
            Sleeper sleeper,
            ToIntFunction<Outcome> exitCodes,
            String traceId,
            Map<String, String> env,
            PageObserver observer,
            Tracer tracer) {
        this.observer = observer;
        this.tracer = tracer;
        this.crashPoints = CrashPoints.from(env);
        this.job = job;
        this.database = database;
        this.calls = calls;
        this.stats = stats;
        this.clock = clock;
        this.sleeper = sleeper;
        this.exitCodes = exitCodes;
        this.traceId = traceId;
        this.leases = new Leases(database.jdbi(), job.runner().leaseTtl());
        this.pages = new PageTransaction(
                database.jdbi(),
                new WatermarkStore(job.runner().leaseTtl()),
                job.deadLetters().max());
    }

    /**
     * Runs the attempt. {@code stop} is polled between pages; a stop asked for while the run waits
     * (for a permit, a backoff, the API, a lease) also interrupts the running thread, and every
     * failure that interruption causes ends as a {@link StoppedException} (exit 75) with the attempt
     * recorded and the lease released.
     */
    public RunSummary run(RunRequest request, BooleanSupplier stop) {
        Partition partition = request.partition();
        Progress progress =
                new Progress(job.name(), partition.key(), clock, job.runner().progressInterval(), stats);
        try (Source source = job.source().open(new SourceContext(partition, calls, clock, database.jdbi()))) {
            Leases.Start start = startFor(request, source, partition);
            if (start == null) {
                PartitionState done = leases.read(job.name(), partition.key()).orElseThrow();
                LOG.info(
                        "{}/{} is already complete ({} records); nothing to do (use --force to reprocess)",
                        job.name(),
                        partition.key(),
                        done.records());
                return summary(
                        partition,
                        "already_complete",
                        exitCodes.applyAsInt(Outcome.DONE),
                        done.records(),
                        done.pages(),
                        done.deadLetters(),
                        done.watermark(),
                        done.epoch(),
                        progress,
                        null,
                        "partition was already complete; use --force to reprocess",
                        null);
            }
            StartupTrace.mark("partition state read");
            Sink sink = job.sink().open(job.name());
            database.jdbi().useHandle(sink::prepare);
            StartupTrace.mark("sink prepared");
            Lease lease = claim(partition, start, request, stop);
            if (lease == null) {
                PartitionState done = leases.read(job.name(), partition.key()).orElseThrow();
                LOG.info(
                        "{}/{} was completed by the attempt this one waited for; nothing to do",
                        job.name(),
                        partition.key());
                return summary(
                        partition,
                        "already_complete",
                        exitCodes.applyAsInt(Outcome.DONE),
                        done.records(),
                        done.pages(),
                        done.deadLetters(),
                        done.watermark(),
                        done.epoch(),
                        progress,
                        null,
                        "partition was completed by another attempt",
                        null);
            }
            StartupTrace.mark("lease claimed");
            return withLag(attempt(partition, lease, source, sink, progress, stop), source);
        } catch (JdbiException e) {
            throw DatabaseErrors.translate(e, database.settings().safeUrl());
        }
    }

    /** How to claim: resume, force, a new incremental pass, or null when a done partition has nothing to do. */
    private Leases.Start startFor(RunRequest request, Source source, Partition partition) {
        if (request.force()) {
            return new Leases.Start.Force();
        }
        Optional<PartitionState> row = leases.read(job.name(), partition.key());
        if (row.isEmpty() || !row.get().isDone()) {
            return new Leases.Start.Resume();
        }
        return source.nextPass(row.get().watermark())
                .<Leases.Start>map(Leases.Start.NewPass::new)
                .orElse(null);
    }

    /** The lease, or null when the partition turned out complete (another attempt finished it). */
    private Lease claim(Partition partition, Leases.Start start, RunRequest request, BooleanSupplier stop) {
        Instant deadline = clock.instant().plus(job.runner().leaseWait());
        while (true) {
            if (stop.getAsBoolean()) {
                throw new StoppedException(
                        job.name(), partition.key(), "starting, before claiming the partition", null);
            }
            switch (leases.claim(job.name(), partition.key(), start, request.attempt())) {
                case Leases.Claim.Claimed c -> {
                    LOG.info(
                            "{}/{}: claimed with epoch {}, {}",
                            job.name(),
                            partition.key(),
                            c.lease().epoch(),
                            c.lease().watermark() == null
                                    ? "starting at the first page"
                                    : "resuming at " + c.lease().watermark());
                    return c.lease();
                }
                case Leases.Claim.AlreadyComplete a -> {
                    return null;
                }
                case Leases.Claim.Held h -> {
                    if (!clock.instant().isBefore(deadline)) {
                        throw new LeaseHeldException(job.name(), partition.key(), h.owner(), h.expiresAt());
                    }
                    LOG.info(
                            "{}/{} is held by {} until {}; waiting",
                            job.name(),
                            partition.key(),
                            h.owner(),
                            h.expiresAt());
                    waitFor(
                            Duration.ofMillis(Math.clamp(
                                    Duration.between(h.now(), h.expiresAt()).toMillis() + 50, 100, 1000)),
                            partition,
                            "waiting for the lease held by " + h.owner());
                }
            }
        }
    }

    private RunSummary attempt(
            Partition partition, Lease lease, Source source, Sink sink, Progress progress, BooleanSupplier stop) {
        JsonNode position = lease.watermark();
        RecordPass pass = null;
        try (Heartbeat heartbeat = new Heartbeat(leases, lease, job.runner().heartbeat(), this::counts)) {
            if (job.call() != null) {
                try (RecordCaller caller = new RecordCaller(
                        job.call(), job.limits(), job.name(), calls, partition, tracer, Context.current())) {
                    pass = recordPass(lease, partition, source, sink, caller, progress);
                    position = pass.run(position, () -> stop.getAsBoolean() || heartbeat.lost());
                }
                return finished(partition, lease, progress, position, pass.inDoubt());
            }
            long earlierPages = leases.read(job.name(), partition.key())
                    .map(PartitionState::pages)
                    .orElse(0L);
            while (true) {
                if (stop.getAsBoolean() || heartbeat.lost()) {
                    throw new StoppedException(job.name(), partition.key(), heartbeat.lost());
                }
                if (earlierPages + progress.pages >= job.source().maxPages()) {
                    throw new PageLimitException(
                            job.name(), partition.key(), job.source().maxPages());
                }
                Page page = onePage(partition, lease, source, sink, progress, position);
                position = page.next();
                if (page.last()) {
                    break;
                }
            }
            return finished(partition, lease, progress, position, null);
        } catch (SluiceException e) {
            return failed(
                    partition, lease, reached(pass, position), progress, stopped(partition, e, stop), inDoubt(pass));
        } catch (JdbiException e) {
            SluiceException translated =
                    DatabaseErrors.translate(e, database.settings().safeUrl());
            if (stop.getAsBoolean()) {
                return failed(
                        partition,
                        lease,
                        reached(pass, position),
                        progress,
                        stopped(partition, translated, stop),
                        inDoubt(pass));
            }
            if (translated instanceof DatabaseFailureException) {
                LOG.error(
                        "{}/{}: unexpected database failure; this is a bug, please report it with this log",
                        job.name(),
                        partition.key(),
                        e);
            }
            return failed(partition, lease, reached(pass, position), progress, translated, inDoubt(pass));
        } catch (RuntimeException e) {
            if (stop.getAsBoolean()) {
                return failed(
                        partition,
                        lease,
                        reached(pass, position),
                        progress,
                        stopped(partition, e, stop),
                        inDoubt(pass));
            }
            LOG.error(
                    "{}/{}: unexpected failure; this is a bug, please report it with this log",
                    job.name(),
                    partition.key(),
                    e);
            return failed(
                    partition,
                    lease,
                    reached(pass, position),
                    progress,
                    e,
                    inDoubt(pass)); // a bug; the lease is released, the attempt recorded
        }
    }

    /** Reads and commits the page at {@code position}: its calls and its commit make one page span. */
    private Page onePage(
            Partition partition, Lease lease, Source source, Sink sink, Progress progress, JsonNode position) {
        long pageOfRun = progress.pages + 1;
        try (PageObserver.Page watched = observer.started(pageOfRun)) {
            try {
                Page page = source.read(partition, position);
                crashPoints.reach("after_read", pageOfRun);
                SinkResult written = pages.commit(
                        lease, page, position, sink, traceId, () -> crashPoints.reach("before_commit", pageOfRun));
                crashPoints.reach("after_commit", pageOfRun);
                int dead = written.deadLetters().size();
                progress.page(page.entries() - dead, dead);
                watched.committed(page.entries() - dead, dead);
                return page;
            } catch (RuntimeException e) {
                watched.failed(e);
                throw e;
            }
        }
    }

    /** Where a failed attempt stopped: a per-record pass's last commit, else the last page's position. */
    private static JsonNode reached(RecordPass pass, JsonNode position) {
        return pass == null ? position : pass.committed();
    }

    /**
     * The summary with the input's lag after the run's watermark, for inputs that can tell (a
     * stream); the position inside a per-record watermark is its {@code source}.
     */
    private RunSummary withLag(RunSummary summary, Source source) {
        JsonNode watermark = summary.watermark();
        JsonNode position = job.call() != null && watermark != null ? watermark.get("source") : watermark;
        OptionalLong lag = source.lag(position == null || position.isNull() ? null : position);
        return lag.isPresent() ? summary.withLag(lag.getAsLong()) : summary;
    }

    private static Long inDoubt(RecordPass pass) {
        return pass == null ? null : pass.inDoubt();
    }

    /** The pass of a per-record job. */
    private RecordPass recordPass(
            Lease lease, Partition partition, Source source, Sink sink, RecordCaller caller, Progress progress) {
        CallLedger ledger = new CallLedger(database.jdbi());
        return new RecordPass(
                job.recordKey(),
                lease,
                partition,
                source,
                sink,
                caller,
                ledger,
                new RecordCommit(
                        database.jdbi(),
                        new WatermarkStore(job.runner().leaseTtl()),
                        ledger,
                        job.deadLetters().max()),
                progress,
                traceId,
                crashPoints,
                job.call().concurrency());
    }

    private RunSummary finished(Partition partition, Lease lease, Progress progress, JsonNode position, Long inDoubt) {
        leases.release(lease, new Leases.Ending("done", "done", exitCodes.applyAsInt(Outcome.DONE), null, counts()));
        LOG.info("{}/{}: done, {} records in {} pages", job.name(), partition.key(), progress.records, progress.pages);
        return summary(
                partition,
                "done",
                exitCodes.applyAsInt(Outcome.DONE),
                progress.records,
                progress.pages,
                progress.deadLetters,
                position,
                lease.epoch(),
                progress,
                null,
                null,
                inDoubt);
    }

    /**
     * A failure that a stop request caused (an interrupted wait, or whatever an interrupt broke) is
     * the stop itself; a verdict on the data or the spec (65, 78) stays what it is.
     */
    private Exception stopped(Partition partition, Exception failure, BooleanSupplier stop) {
        Outcome outcome = Outcome.of(failure);
        if (!stop.getAsBoolean()
                || failure instanceof StoppedException
                || !(outcome.temporary() || outcome == Outcome.BUG)) {
            return failure;
        }
        return new StoppedException(job.name(), partition.key(), "it waited (" + failure.getMessage() + ")", failure);
    }

    private RunSummary failed(
            Partition partition, Lease lease, JsonNode position, Progress progress, Exception failure, Long inDoubt) {
        Thread.interrupted(); // a stop's interrupt has done its work: recording the attempt must not fail on it
        Outcome outcome = Outcome.of(failure);
        int exit = exitCodes.applyAsInt(outcome);
        String status = outcome.temporary() ? "retry_later" : "failed";
        String message = failure.getMessage();
        try {
            leases.release(
                    lease,
                    new Leases.Ending(status, outcome.temporary() ? "pending" : "failed", exit, message, counts()));
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not record the end of the attempt ({}); its lease lapses in {}",
                    e.getMessage(),
                    job.runner().leaseTtl());
        }
        LOG.warn(
                "{}/{}: stopped after {} pages ({}): {}", job.name(), partition.key(), progress.pages, status, message);
        return summary(
                partition,
                status,
                exit,
                progress.records,
                progress.pages,
                failure instanceof DataErrorException refused ? refused.deadLetters() : progress.deadLetters,
                position,
                lease.epoch(),
                progress,
                failure,
                message,
                inDoubt);
    }

    private AttemptCounts counts() {
        return new AttemptCounts(stats.calls(), stats.rateLimitedAnswers(), stats.retries(), stats.permitWaitMillis());
    }

    private RunSummary summary(
            Partition partition,
            String status,
            int exit,
            long records,
            long pages,
            long dead,
            JsonNode watermark,
            Long epoch,
            Progress progress,
            Throwable failure,
            String message,
            Long inDoubt) {
        Instant resumeAt = failure instanceof ResumeHint hint ? hint.resumeAt() : null;
        return new RunSummary(
                job.name(),
                partition.key(),
                status,
                exit,
                records,
                pages,
                dead,
                stats.calls(),
                stats.rateLimitedAnswers(),
                stats.retries(),
                stats.permitWaitMillis(),
                watermark,
                epoch,
                traceId,
                resumeAt,
                progress.elapsedMillis(),
                message,
                inDoubt,
                null,
                stats.unitsSpent().isEmpty() ? null : stats.unitsSpent());
    }

    private void waitFor(Duration d, Partition partition, String what) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            throw new StoppedException(job.name(), partition.key(), what, e);
        }
    }
}
