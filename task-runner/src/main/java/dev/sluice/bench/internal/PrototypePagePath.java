package dev.sluice.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.lease.FencedException;
import dev.sluice.lease.Lease;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import dev.sluice.sink.postgres.internal.PostgresSink;
import dev.sluice.watermark.WatermarkStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;

/**
 * Prototypes of a cheaper page transaction, measured beside the real one (not used by runs).
 * All keep the guarantees: the page's rows, watermark and counters commit in one transaction,
 * only while the attempt's epoch is current.
 *
 * <ul>
 *   <li>{@code unnest}: no staging table ({@link UnnestUpsert}): one round trip instead of
 *       CREATE TEMP TABLE + COPY + INSERT, and no ON COMMIT DELETE ROWS truncation at commit.
 *   <li>{@code copy_first}: COPY straight into the table, upsert only on a conflict ({@link CopyFirst}).
 *   <li>{@code fence_in_advance}: no separate fence. One statement updates the partition row
 *       {@code WHERE epoch = N} (taking its lock until commit) and the attempt row; zero rows
 *       means fenced, and the transaction rolls back with the page. One round trip instead of
 *       SELECT ... FOR UPDATE + two UPDATEs.
 * </ul>
 */
public final class PrototypePagePath implements Contender {
    private static final String ADVANCE = """
            WITH p AS (
              UPDATE sluice_partition SET watermark = CAST(:watermark AS jsonb), pages = pages + 1,
                     records = records + :records, dead_letters = dead_letters + :dead,
                     state = CASE WHEN :last THEN 'done' ELSE state END,
                     completed_at = CASE WHEN :last THEN now() ELSE completed_at END,
                     lease_expires_at = now() + make_interval(secs => :ttl), heartbeat_at = now(), updated_at = now()
              WHERE job = :job AND partition_key = :partition AND epoch = :epoch
              RETURNING dead_letters)
            UPDATE sluice_attempt SET pages = pages + 1, records = records + :records
            WHERE job = :job AND partition_key = :partition AND epoch = :epoch AND EXISTS (SELECT 1 FROM p)
            RETURNING (SELECT dead_letters FROM p)""";

    /** How the page's rows are written. */
    public enum Write {
        /** PostgresSink's own steps: temp stage, COPY, upsert. */
        STAGED("staged", "PostgresSink's own steps (temp stage, COPY, upsert)"),
        /** {@link UnnestUpsert}. */
        UNNEST("unnest", "upsert from unnest(text[] per column), no staging table"),
        /** {@link CopyFirst}. */
        COPY_FIRST("copy_first", "COPY straight into the table in a savepoint; on a unique violation, roll back and upsert (unnest)");

        final String key;
        final String text;

        Write(String key, String text) {
            this.key = key;
            this.text = text;
        }
    }

    private final Jdbi jdbi;
    private final SinkInternals sink;
    private final Write write;
    private final boolean fenceInAdvance;
    private final UnnestUpsert unnestUpsert;
    private final CopyFirst copyFirst;
    private final WatermarkStore watermarks = new WatermarkStore(Duration.ofSeconds(30));

    public PrototypePagePath(Jdbi jdbi, PostgresSink sink, PostgresSinkConfig config, Write write, boolean fenceInAdvance) {
        this.jdbi = jdbi;
        this.sink = new SinkInternals(sink);
        this.write = write;
        this.fenceInAdvance = fenceInAdvance;
        this.unnestUpsert = new UnnestUpsert(this.sink, config);
        this.copyFirst = new CopyFirst(this.sink, config);
    }

    @Override
    public String name() {
        return "proto_" + (write == Write.STAGED ? "" : write.key + (fenceInAdvance ? "_and_" : "")) + (fenceInAdvance ? "fence_in_advance" : "");
    }

    @Override
    public String description() {
        return "prototype page transaction: " + write.text + "; "
                + (fenceInAdvance ? "fence folded into one advance statement (1 round trip)" : "fence and advance as is (3 round trips)");
    }

    @Override
    public void write(List<OrderPages.Page> pages, Lease lease) {
        JsonNode position = lease.watermark();
        for (OrderPages.Page page : pages) {
            jdbi.useTransaction(tx -> page(tx, lease, page));
            position = page.next();
        }
    }

    private void page(Handle tx, Lease lease, OrderPages.Page page) {
        if (!fenceInAdvance) {
            watermarks.fence(tx, lease);
        }
        SinkInternals.Converted converted = sink.convert(page.records());
        switch (write) {
            case STAGED -> upsertThroughStage(tx, lease, converted.rows());
            case UNNEST -> unnestUpsert.execute(tx, lease, converted.rows());
            case COPY_FIRST -> copyFirst.execute(tx, lease, converted.rows());
        }
        if (fenceInAdvance) {
            advance(tx, lease, page, converted.rows().size());
        } else {
            watermarks.advance(tx, lease, page.next(), converted.rows().size(), 0, page.last());
        }
    }

    private void upsertThroughStage(Handle tx, Lease lease, List<String[]> rows) {
        tx.execute(sink.createStage);
        try {
            tx.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(sink.copy, new ByteArrayInputStream(sink.encode(rows)));
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("COPY into the stage failed: " + e.getMessage(), e);
        }
        tx.createUpdate(sink.upsert).bind("partition", lease.partition()).bind("epoch", lease.epoch()).bind("trace", "bench").execute();
    }

    private void advance(Handle tx, Lease lease, OrderPages.Page page, int records) {
        boolean current = tx.createQuery(ADVANCE)
                .bind("watermark", page.next().toString()).bind("records", records).bind("dead", 0).bind("last", page.last())
                .bind("ttl", 30.0).bind("job", lease.job()).bind("partition", lease.partition()).bind("epoch", lease.epoch())
                .mapTo(Long.class).findOne().isPresent();
        if (!current) {
            throw new FencedException(lease.job(), lease.partition(), lease.epoch(), -1);
        }
    }
}
