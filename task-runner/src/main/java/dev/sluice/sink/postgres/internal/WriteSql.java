package dev.sluice.sink.postgres.internal;

import dev.sluice.sink.postgres.ColumnConfig;
import dev.sluice.sink.postgres.ColumnType;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL of the sink's page write: an insert, or an upsert, of every row from one array per
 * declared column ({@link ColumnArray}), {@code INSERT INTO t (...) SELECT unnest(a0)::type0, ...}.
 * The arrays are unnested side by side in the select list (PostgreSQL zips set-returning functions
 * of equal length there) rather than by {@code FROM unnest(a0, a1, ...)}, which materialises the
 * page in a tuplestore first: a tenth less server CPU per row. Values are cast by PostgreSQL's
 * input functions, as COPY does.
 */
final class WriteSql {
    private static final List<String> SYSTEM =
            List.of("_sluice_partition", "_sluice_attempt", "_sluice_loaded_at", "_sluice_trace_id");

    /**
     * Where the statement takes its values from.
     *
     * @param arrays    one array expression per declared column, in order
     * @param partition the partition key (text)
     * @param epoch     the attempt's epoch (bigint)
     * @param traceId   the trace id (text, may be null)
     */
    record Inputs(List<String> arrays, String partition, String epoch, String traceId) {}

    private final PostgresSinkConfig config;
    private final String table;

    WriteSql(PostgresSinkConfig config, String qualifiedTable) {
        this.config = config;
        this.table = qualifiedTable;
    }

    /**
     * The statement, from {@code inputs}. A plain insert is cheaper than an upsert (no speculative
     * insertion) and fails on a key already there; the upsert ({@code ON CONFLICT (key) DO UPDATE})
     * gives such a key the page's values.
     */
    String write(boolean upsert, Inputs inputs) {
        List<String> values = new ArrayList<>();
        List<String> updates = new ArrayList<>();
        int c = 0;
        for (Map.Entry<String, ColumnConfig> column : config.columns().entrySet()) {
            values.add("unnest(" + inputs.arrays().get(c++) + ")::"
                    + column.getValue().type().sqlType());
            if (!config.key().contains(column.getKey())) {
                updates.add(SinkTable.quote(column.getKey()) + " = EXCLUDED." + SinkTable.quote(column.getKey()));
            }
        }
        SYSTEM.forEach(system -> updates.add(system + " = EXCLUDED." + system));
        return "INSERT INTO " + table + " (" + quoted(config.columns().keySet()) + ", " + String.join(", ", SYSTEM)
                + ")\nSELECT " + String.join(", ", values) + ", " + inputs.partition() + ", " + inputs.epoch()
                + ", now(), " + inputs.traceId()
                + (upsert
                        ? "\nON CONFLICT (" + quoted(config.key()) + ") DO UPDATE SET " + String.join(", ", updates)
                        : "");
    }

    /** The declared columns' types, in order. */
    List<ColumnType> types() {
        return config.columns().values().stream().map(ColumnConfig::type).toList();
    }

    private static String quoted(Collection<String> identifiers) {
        return identifiers.stream().map(SinkTable::quote).collect(Collectors.joining(", "));
    }
}
