package dev.sluice.sink.postgres.internal;

import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * Writes a page inside the runner's transaction, idempotently by key.
 *
 * <p>Fast path: COPY straight into the sink table inside a savepoint. A partition's first pass
 * never conflicts, so it loads at COPY speed. When the COPY hits a key that exists (a page
 * re-processed after a crash, a forced run, a key shared with another partition), the savepoint
 * is rolled back and the page is upserted instead: COPY into a temporary staging table, then one
 * {@code INSERT ... SELECT ... ON CONFLICT (key) DO UPDATE}; the rest of the attempt upserts
 * directly. The staging table is created per session if missing ({@code IF NOT EXISTS}, rows
 * deleted at commit), which also works behind PgBouncer's transaction pooling.
 */
public final class PostgresSink implements Sink {
    private final SinkTable table;
    private final Rows rows;
    private final String stage;
    private final String createStage;
    private final String copy;
    private final String copyDirect;
    private final String upsert;
    private boolean upsertOnly;

    public PostgresSink(PostgresSinkConfig config) {
        this.table = new SinkTable(config);
        this.rows = new Rows(config);
        List<String> columns = List.copyOf(config.columns().keySet());
        String quoted = columns.stream().map(SinkTable::quote).collect(Collectors.joining(", "));
        String definitions = config.columns().entrySet().stream()
                .map(e -> SinkTable.quote(e.getKey()) + " " + e.getValue().type().sqlType())
                .collect(Collectors.joining(", "));
        this.stage = "sluice_stage_" + Integer.toHexString((config.table() + definitions).hashCode());
        this.createStage = "CREATE TEMP TABLE IF NOT EXISTS " + stage + " (" + definitions + ") ON COMMIT DELETE ROWS";
        this.copy = "COPY " + stage + " (" + quoted + ") FROM STDIN (FORMAT csv)";
        this.copyDirect = "COPY " + table.qualified() + " (" + quoted
                + ", _sluice_partition, _sluice_attempt, _sluice_trace_id) FROM STDIN (FORMAT csv)";
        String updates = columns.stream().filter(c -> !config.key().contains(c))
                .map(c -> SinkTable.quote(c) + " = EXCLUDED." + SinkTable.quote(c))
                .collect(Collectors.joining(", "));
        this.upsert = "INSERT INTO " + table.qualified() + " (" + quoted
                + ", _sluice_partition, _sluice_attempt, _sluice_loaded_at, _sluice_trace_id)\n"
                + "SELECT " + quoted + ", :partition, :epoch, now(), :trace FROM " + stage + "\n"
                + "ON CONFLICT (" + config.key().stream().map(SinkTable::quote).collect(Collectors.joining(", ")) + ") DO UPDATE SET "
                + (updates.isEmpty() ? "" : updates + ", ")
                + "_sluice_partition = EXCLUDED._sluice_partition, _sluice_attempt = EXCLUDED._sluice_attempt, "
                + "_sluice_loaded_at = EXCLUDED._sluice_loaded_at, _sluice_trace_id = EXCLUDED._sluice_trace_id";
    }

    @Override
    public void prepare(Handle handle) {
        table.prepare(handle);
    }

    @Override
    public SinkResult write(Handle transaction, SinkBatch batch) {
        Rows.Converted converted = rows.convert(batch.records());
        if (converted.rows().isEmpty()) {
            return new SinkResult(0, converted.deadLetters());
        }
        if (!upsertOnly && copiedDirectly(transaction, batch, converted)) {
            return new SinkResult(converted.rows().size(), converted.deadLetters());
        }
        transaction.execute(createStage);
        copyIn(transaction, copy, Csv.encode(converted.rows()));
        int written = transaction.createUpdate(upsert)
                .bind("partition", batch.partition())
                .bind("epoch", batch.epoch())
                .bind("trace", batch.traceId())
                .execute();
        return new SinkResult(written, converted.deadLetters());
    }

    /** COPY into the sink table; false (and nothing written) when a key already exists. */
    private boolean copiedDirectly(Handle transaction, SinkBatch batch, Rows.Converted converted) {
        String[] system = {batch.partition(), String.valueOf(batch.epoch()), batch.traceId()};
        transaction.savepoint(SAVEPOINT);
        try {
            copyIn(transaction, copyDirect, Csv.encode(converted.rows(), system));
            transaction.releaseSavepoint(SAVEPOINT);
            return true;
        } catch (KeyExists e) {
            transaction.rollbackToSavepoint(SAVEPOINT);
            upsertOnly = true; // this partition's rows exist (re-processing): upsert for the rest of the attempt
            return false;
        }
    }

    private static final String SAVEPOINT = "sluice_page";

    /** A COPY refused because a key is already in the table (SQLSTATE 23505). */
    private static final class KeyExists extends RuntimeException {
        KeyExists(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private void copyIn(Handle transaction, String sql, byte[] csv) {
        try {
            transaction.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(csv));
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new KeyExists(e);
            }
            throw new org.jdbi.v3.core.ConnectionException(new SQLException("COPY into " + table.qualified() + " failed ("
                    + e.getSQLState() + ")", e));
        } catch (IOException e) {
            throw new org.jdbi.v3.core.ConnectionException(new SQLException("COPY into " + table.qualified() + " failed", e));
        }
    }

    /** The sink table's qualified name, for messages. */
    public String table() {
        return table.qualified();
    }
}
