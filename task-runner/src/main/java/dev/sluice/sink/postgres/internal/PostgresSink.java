package dev.sluice.sink.postgres.internal;

import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.sink.postgres.ColumnConfig;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;
import org.postgresql.PGConnection;

/**
 * Writes a page inside the runner's transaction, idempotently by key.
 *
 * <p>Fast path: COPY straight into the sink table inside a savepoint. A partition's first pass
 * never conflicts, so it loads at COPY speed. When the COPY meets a key that is already there (a
 * page re-processed after a reset or {@code --force}, a key shared with another partition), the
 * savepoint is rolled back and the page is upserted instead, in one statement:
 * {@code INSERT ... SELECT ... FROM unnest(text[] per column) ON CONFLICT (key) DO UPDATE}; the rest
 * of the attempt then upserts directly. Values are cast by PostgreSQL's input functions, as COPY
 * does. No temporary tables, so it also works behind PgBouncer's transaction pooling.
 */
public final class PostgresSink implements Sink {
    private static final String SAVEPOINT = "sluice_page";

    private final SinkTable table;
    private final Rows rows;
    private final int columns;
    private final String copy;
    private final String upsert;
    private boolean upsertOnly;

    public PostgresSink(PostgresSinkConfig config) {
        this.table = new SinkTable(config);
        this.rows = new Rows(config);
        this.columns = config.columns().size();
        String quoted = config.columns().keySet().stream().map(SinkTable::quote).collect(Collectors.joining(", "));
        this.copy = "COPY " + table.qualified() + " (" + quoted
                + ", _sluice_partition, _sluice_attempt, _sluice_trace_id) " + "FROM STDIN (FORMAT csv)";
        this.upsert = upsertStatement(config, quoted);
    }

    private String upsertStatement(PostgresSinkConfig config, String quoted) {
        List<String> casts = new ArrayList<>();
        List<String> arrays = new ArrayList<>();
        List<String> updates = new ArrayList<>();
        int c = 0;
        for (Map.Entry<String, ColumnConfig> column : config.columns().entrySet()) {
            casts.add("u.c" + c + "::" + column.getValue().type().sqlType());
            arrays.add("CAST(:c" + c + " AS text[])");
            if (!config.key().contains(column.getKey())) {
                updates.add(SinkTable.quote(column.getKey()) + " = EXCLUDED." + SinkTable.quote(column.getKey()));
            }
            c++;
        }
        for (String system : List.of("_sluice_partition", "_sluice_attempt", "_sluice_loaded_at", "_sluice_trace_id")) {
            updates.add(system + " = EXCLUDED." + system);
        }
        String names =
                java.util.stream.IntStream.range(0, c).mapToObj(i -> "c" + i).collect(Collectors.joining(", "));
        return "INSERT INTO " + table.qualified() + " (" + quoted
                + ", _sluice_partition, _sluice_attempt, _sluice_loaded_at, "
                + "_sluice_trace_id)\nSELECT " + String.join(", ", casts) + ", :partition, :epoch, now(), :trace\n"
                + "FROM unnest(" + String.join(", ", arrays) + ") AS u(" + names + ")\n"
                + "ON CONFLICT (" + config.key().stream().map(SinkTable::quote).collect(Collectors.joining(", ")) + ") "
                + "DO UPDATE SET " + String.join(", ", updates);
    }

    @Override
    public void prepare(Handle handle) {
        table.prepare(handle);
    }

    @Override
    public SinkResult write(Handle transaction, SinkBatch batch) {
        if (upsertOnly) {
            Rows.Converted converted = rows.convert(batch.records());
            return new SinkResult(
                    converted.rows().isEmpty() ? 0 : upserted(transaction, batch, converted.rows()),
                    converted.deadLetters());
        }
        transaction.savepoint(SAVEPOINT);
        Rows.Converted converted;
        try {
            converted = copied(transaction, batch);
            transaction.releaseSavepoint(SAVEPOINT);
            return new SinkResult(converted.rows().size(), converted.deadLetters());
        } catch (KeyExists e) {
            transaction.rollbackToSavepoint(SAVEPOINT);
            upsertOnly = true; // this partition's rows exist (re-processing): upsert for the rest of the attempt
            converted = e.converted;
        }
        List<String[]> unique = rows.deduplicated(converted.rows());
        return new SinkResult(unique.isEmpty() ? 0 : upserted(transaction, batch, unique), converted.deadLetters());
    }

    /** Converts and COPYs the page into the sink table at once; a key already there throws {@link KeyExists}. */
    private Rows.Converted copied(Handle transaction, SinkBatch batch) {
        String[] system = {batch.partition(), String.valueOf(batch.epoch()), batch.traceId()};
        Rows.Converted converted = null;
        try (CopyStream stream = new CopyStream(
                transaction.getConnection().unwrap(PGConnection.class).getCopyAPI(), copy, system)) {
            converted = rows.stream(batch.records(), stream::row);
            stream.finish();
            return converted;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new KeyExists(e, converted != null ? converted : rows.convert(batch.records()));
            }
            throw new org.jdbi.v3.core.ConnectionException(new SQLException(
                    "COPY into " + table.qualified() + " failed (" + e.getSQLState() + ")", e.getSQLState(), e));
        }
    }

    private int upserted(Handle transaction, SinkBatch batch, List<String[]> page) {
        Update update = transaction
                .createUpdate(upsert)
                .bind("partition", batch.partition())
                .bind("epoch", batch.epoch())
                .bind("trace", batch.traceId());
        for (int c = 0; c < columns; c++) {
            String[] values = new String[page.size()];
            for (int r = 0; r < values.length; r++) {
                values[r] = page.get(r)[c];
            }
            update.bindArray("c" + c, String.class, (Object[]) values);
        }
        return update.execute();
    }

    /** A COPY refused because a key is already in the table (SQLSTATE 23505), with the page's rows for the upsert. */
    private static final class KeyExists extends RuntimeException {
        final transient Rows.Converted converted;

        KeyExists(Throwable cause, Rows.Converted converted) {
            super(cause.getMessage(), cause, false, false);
            this.converted = converted;
        }
    }

    /** The sink table's qualified name, for messages. */
    public String table() {
        return table.qualified();
    }
}
