package dev.sluice.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.lease.FencedException;
import dev.sluice.lease.Lease;
import dev.sluice.sink.DataErrorException;
import dev.sluice.sink.DeadLetter;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.source.Page;
import dev.sluice.watermark.WatermarkStore;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Commits one page (rule 1): in one transaction, lock the partition row and check the attempt's
 * epoch, write the rows through the sink, keep the dead letters (the sink's and the entries the
 * source could not read), advance the watermark. Either all
 * of it commits or none. The runner and the sink benchmark both commit pages through this class.
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
     * @throws DataErrorException               when the page takes the dead letters past the limit
     */
    public SinkResult commit(
            Lease lease, Page page, JsonNode position, Sink sink, String traceId, Runnable beforeCommit) {
        return jdbi.inTransaction(tx -> {
            long deadSoFar = watermarks.fence(tx, lease);
            SinkResult written = page.records().isEmpty()
                    ? new SinkResult(0, List.of())
                    : sink.write(
                            tx, new SinkBatch(lease.job(), lease.partition(), lease.epoch(), traceId, page.records()));
            SinkResult result = withUnreadable(page, written);
            if (!result.deadLetters().isEmpty()
                    && deadSoFar + result.deadLetters().size() > maxDeadLetters) {
                throw tooMany(lease, deadSoFar + result.deadLetters().size(), result);
            }
            deadLetters.store(tx, lease, position, result.deadLetters());
            watermarks.advance(
                    tx,
                    lease,
                    page.next(),
                    page.entries() - result.deadLetters().size(),
                    result.deadLetters().size(),
                    page.last());
            beforeCommit.run();
            return result;
        });
    }

    /** The entries the source could not read are dead letters too, listed before the sink's. */
    private static SinkResult withUnreadable(Page page, SinkResult written) {
        if (page.unreadable().isEmpty()) {
            return written;
        }
        List<DeadLetter> all = new ArrayList<>();
        page.unreadable().forEach(u -> all.add(new DeadLetter(u.recordKey(), u.payload(), u.error())));
        all.addAll(written.deadLetters());
        return new SinkResult(written.rows(), all);
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
}
