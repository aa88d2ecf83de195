package dev.sluice.bench.internal;

import dev.sluice.db.Database;
import dev.sluice.lease.Lease;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * A contender writing pages whose keys are all in the table already (a re-run with --force, a
 * backfill, an incremental source re-reading changed records): before the timer starts, every key
 * is COPYed in with stale values (then a CHECKPOINT), so every timed write must update a row; the
 * bench's digest then proves that each of them did.
 */
public final class OnFullTable implements Contender {
    private final Contender inner;
    private final RawCopy filler;
    private final Jdbi jdbi;

    public OnFullTable(Contender inner, Database database) {
        this.inner = inner;
        this.filler = RawCopy.staleRows(database.dataSource());
        this.jdbi = database.jdbi();
    }

    @Override
    public String name() {
        return inner.name() + "_on_full_table";
    }

    @Override
    public String description() {
        return inner.description()
                + "; every key already in the table, with stale values (pre-filled by COPY before the timer starts)";
    }

    @Override
    public void setUp(List<OrderPages.Page> pages, Lease lease) {
        filler.setUp(pages, lease);
        filler.write(pages, lease);
        jdbi.useHandle(h -> h.execute("CHECKPOINT"));
        inner.setUp(pages, lease);
    }

    @Override
    public void write(List<OrderPages.Page> pages, Lease lease) {
        inner.write(pages, lease);
    }

    @Override
    public PageSplit split() {
        return inner.split();
    }
}
