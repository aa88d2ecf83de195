package dev.sluice.bench.internal;

import dev.sluice.lease.Lease;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * Prototype: COPY the page straight into the sink table inside a savepoint; only when a key is
 * already there (unique violation) roll back to the savepoint and upsert the page instead
 * ({@link UnnestUpsert}). New keys (a first load) cost what a raw COPY costs plus one SAVEPOINT;
 * a page whose keys exist costs a failed COPY on top of the upsert.
 */
final class CopyFirst {
    private static final String UNIQUE_VIOLATION = "23505";

    private final SinkInternals sink;
    private final UnnestUpsert fallback;
    private final String copy;

    CopyFirst(SinkInternals sink, PostgresSinkConfig config) {
        this.sink = sink;
        this.fallback = new UnnestUpsert(sink, config);
        this.copy = "COPY " + config.table() + " (" + String.join(", ", config.columns().keySet())
                + ", _sluice_partition, _sluice_attempt, _sluice_trace_id) FROM STDIN (FORMAT csv)";
    }

    void execute(Handle tx, Lease lease, List<String[]> rows) {
        List<String[]> full = new ArrayList<>(rows.size());
        String epoch = Long.toString(lease.epoch());
        for (String[] row : rows) {
            String[] r = java.util.Arrays.copyOf(row, row.length + 3);
            r[row.length] = lease.partition();
            r[row.length + 1] = epoch;
            r[row.length + 2] = "bench";
            full.add(r);
        }
        byte[] csv = sink.encode(full);
        tx.savepoint("copy_first");
        try {
            tx.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(copy, new ByteArrayInputStream(csv));
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new IllegalStateException("COPY into " + BenchTable.NAME + " failed: " + e.getMessage(), e);
            }
            tx.rollbackToSavepoint("copy_first");
            fallback.execute(tx, lease, rows);
        } catch (IOException e) {
            throw new IllegalStateException("COPY into " + BenchTable.NAME + " failed: " + e.getMessage(), e);
        }
    }
}
