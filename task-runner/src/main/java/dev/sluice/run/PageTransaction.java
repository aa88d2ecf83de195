package dev.sluice.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.db.Pipeline;
import dev.sluice.db.PipelineStatement;
import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.lease.FencedException;
import dev.sluice.lease.Lease;
import dev.sluice.sink.DataErrorException;
import dev.sluice.sink.DeadLetter;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.sink.SinkStatement;
import dev.sluice.source.Page;
import dev.sluice.watermark.PageAdvance;
import dev.sluice.watermark.WatermarkStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Commits one page (rule 1): in one transaction, advance the watermark under the attempt's epoch
 * fence, write the rows through the sink, keep the dead letters (the sink's and the entries the
 * source could not read). Either all of it commits or none. The runner and the sink benchmark both
 * commit pages through this class.
 *
 * <p>A page without dead letters whose sink writes with one statement ({@link Sink#statement})
 * takes one network round trip: the watermark update and the sink's statement go in one pipeline
 * without BEGIN/COMMIT, which PostgreSQL runs as one implicit transaction committed at the
 * pipeline's end. The update comes first and raises when it matches no row (fenced, or committed
 * by an earlier try), so the write after it never runs alone ({@link WatermarkStore#advanceOrRefuse}).
 * Other pages take an explicit transaction: the update and the sink's statement in one round trip,
 * the dead letters in one more when there are any (the update's answer, the partition's dead
 * letters so far, decides whether the page may commit), then COMMIT. A sink without a single
 * statement writes first, then the update follows. The watermark update always comes first, so
 * every attempt locks the partition row before any sink row (no deadlock between a zombie and its
 * successor). A failure that a new try can cure (see {@link PageRetries}), or one after which the
 * sink asks for a new try ({@link Sink#retry}), rolls the page back and runs it again, up to three
 * tries.
 */
public final class PageTransaction {
    private final Jdbi jdbi;
    private final WatermarkStore watermarks;
    private final DeadLetterStore deadLetters = new DeadLetterStore();
    private final long maxDeadLetters;

    public PageTransaction(Jdbi jdbi, WatermarkStore watermarks, long maxDeadLetters) {
        this.jdbi = jdbi;
        this.watermarks = watermarks;
        this.maxDeadLetters = maxDeadLetters;
    }

    /**
     * @param position     the watermark the page was read from (kept with its dead letters)
     * @param beforeCommit runs last inside the transaction (crash tests halt there)
     * @throws FencedException    when another attempt owns the partition now
     * @throws DataErrorException when the page takes the dead letters past the limit
     */
    public SinkResult commit(
            Lease lease, Page page, JsonNode position, Sink sink, String traceId, Runnable beforeCommit) {
        SinkBatch batch = new SinkBatch(lease.job(), lease.partition(), lease.epoch(), traceId, page.records());
        for (int attempt = 1; ; attempt++) {
            try {
                Optional<SinkStatement> statement = page.records().isEmpty() ? Optional.empty() : sink.statement(batch);
                if (page.unreadable().isEmpty()
                        && (statement.isPresent()
                                ? statement.get().deadLetters().isEmpty()
                                : page.records().isEmpty())) {
                    return autocommitted(lease, page, position, statement, beforeCommit);
                }
                return jdbi.inTransaction(tx -> once(tx, lease, page, position, sink, batch, statement, beforeCommit));
            } catch (AlreadyCommitted done) {
                return done.result;
            } catch (RuntimeException e) {
                if (!retry(e, attempt, page, sink)) {
                    throw e;
                }
            }
        }
    }

    private static boolean retry(RuntimeException failure, int attempt, Page page, Sink sink) {
        return PageRetries.retry(failure, attempt)
                || (attempt < PageRetries.TRIES && !page.records().isEmpty() && sink.retry(failure));
    }

    /**
     * The page in one round trip, without BEGIN/COMMIT: the update that refuses, then the sink's
     * statement (none for an empty page). {@code beforeCommit} runs just before it is sent.
     */
    private SinkResult autocommitted(
            Lease lease, Page page, JsonNode position, Optional<SinkStatement> statement, Runnable beforeCommit) {
        PageAdvance advance = new PageAdvance(position, page.next(), page.entries(), 0, page.last());
        SinkResult result = new SinkResult(statement.map(SinkStatement::rows).orElse(0), List.of());
        List<PipelineStatement> statements = new ArrayList<>(2);
        statements.add(watermarks.advanceOrRefuse(lease, advance));
        statement.ifPresent(s -> statements.add(s.statement()));
        beforeCommit.run();
        try {
            // The pool's connections are in autocommit mode (an open transaction would make Jdbi fail the close).
            jdbi.useHandle(handle -> Pipeline.send(handle, statements));
            return result;
        } catch (RuntimeException e) {
            if (!WatermarkStore.refused(e)) {
                throw e;
            }
            throw jdbi.withHandle(handle -> refused(handle, lease, advance, result));
        }
    }

    private SinkResult once(
            Handle tx,
            Lease lease,
            Page page,
            JsonNode position,
            Sink sink,
            SinkBatch batch,
            Optional<SinkStatement> statement,
            Runnable beforeCommit) {
        SinkResult written = statement.isPresent() || page.records().isEmpty()
                ? null
                : sink.write(tx, batch); // a sink without one statement writes first, in this transaction
        List<DeadLetter> dead = withUnreadable(
                page,
                statement.map(SinkStatement::deadLetters).orElse(written == null ? List.of() : written.deadLetters()));
        PageAdvance advance =
                new PageAdvance(position, page.next(), page.entries() - dead.size(), dead.size(), page.last());
        List<PipelineStatement> statements = new ArrayList<>(2);
        statements.add(watermarks.advance(lease, advance));
        statement.ifPresent(s -> statements.add(s.statement()));
        List<Pipeline.Result> results = Pipeline.send(tx, statements);
        SinkResult result =
                new SinkResult(statement.map(SinkStatement::rows).orElse(written == null ? 0 : written.rows()), dead);
        if (results.getFirst().values().isEmpty()) {
            throw refused(tx, lease, advance, result);
        }
        long deadSoFar = results.getFirst().values().getFirst();
        if (!dead.isEmpty() && deadSoFar > maxDeadLetters) {
            throw tooMany(lease, deadSoFar, result);
        }
        deadLetters.store(tx, lease, position, dead);
        beforeCommit.run();
        return result;
    }

    /** The watermark update matched no row: fenced, or the page committed in an earlier try. */
    private RuntimeException refused(Handle tx, Lease lease, PageAdvance advance, SinkResult result) {
        return switch (watermarks.refusal(tx, lease, advance)) {
            case WatermarkStore.Refusal.Fenced f ->
                new FencedException(lease.job(), lease.partition(), lease.epoch(), f.current());
            case WatermarkStore.Refusal.AlreadyAdvanced a -> new AlreadyCommitted(result);
            case WatermarkStore.Refusal.Moved m ->
                new IllegalStateException(lease.job() + "/" + lease.partition()
                        + ": the watermark moved away from where this page was read, under this attempt's own epoch "
                        + lease.epoch() + "; nothing of the page was committed. This is a bug, please report it.");
        };
    }

    /** The entries the source could not read are dead letters too, listed before the sink's. */
    private static List<DeadLetter> withUnreadable(Page page, List<DeadLetter> written) {
        if (page.unreadable().isEmpty()) {
            return written;
        }
        List<DeadLetter> all = new ArrayList<>();
        page.unreadable().forEach(u -> all.add(new DeadLetter(u.recordKey(), u.payload(), u.error())));
        all.addAll(written);
        return all;
    }

    private DataErrorException tooMany(Lease lease, long dead, SinkResult result) {
        var first = result.deadLetters().getFirst();
        return new DataErrorException(
                lease.job() + "/" + lease.partition() + " has " + dead + " dead letters, more than "
                        + "dead_letters.max = " + maxDeadLetters + "; first: " + first.error()
                        + (first.recordKey() == null || first.error().contains(first.recordKey())
                                ? ""
                                : " (record " + first.recordKey() + ")")
                        + ". The page was not committed; fix the data or the spec (or raise dead_letters.max), then re-run.",
                dead);
    }

    /**
     * An earlier try of this page committed although its COMMIT failed on the client's side (the
     * connection was lost before the answer came): this try is rolled back and the page counts as
     * committed, once.
     */
    private static final class AlreadyCommitted extends RuntimeException {
        final transient SinkResult result;

        AlreadyCommitted(SinkResult result) {
            super(null, null, false, false);
            this.result = result;
        }
    }
}
