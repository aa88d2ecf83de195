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
 * Upserts a page: COPY into a temporary staging table (PostgreSQL's fastest way in), then one
 * {@code INSERT ... SELECT ... ON CONFLICT (key) DO UPDATE} into the sink table, inside the
 * runner's transaction. The staging table is created per database session if missing
 * ({@code IF NOT EXISTS}, rows deleted at commit), which also works behind PgBouncer's transaction
 * pooling.
 */
public final class PostgresSink implements Sink {
    private final SinkTable table;
    private final Rows rows;
    private final String stage;
    private final String createStage;
    private final String copy;
    private final String upsert;

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
        transaction.execute(createStage);
        copyIn(transaction, Csv.encode(converted.rows()));
        int written = transaction.createUpdate(upsert)
                .bind("partition", batch.partition())
                .bind("epoch", batch.epoch())
                .bind("trace", batch.traceId())
                .execute();
        return new SinkResult(written, converted.deadLetters());
    }

    private void copyIn(Handle transaction, byte[] csv) {
        try {
            transaction.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(copy, new ByteArrayInputStream(csv));
        } catch (SQLException | IOException e) {
            throw new org.jdbi.v3.core.ConnectionException(new SQLException("COPY into " + stage + " failed: " + e.getMessage(), e));
        }
    }

    /** The sink table's qualified name, for messages. */
    public String table() {
        return table.qualified();
    }
}
