package dev.sluice.sink.postgres.internal;

import dev.sluice.sink.postgres.ColumnConfig;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The text of the sink's one statement per page: an insert, or an upsert, of every row from one
 * text array per declared column. Its {@code columns + 3} parameters, in order: the partition, the
 * attempt's epoch, the trace id, then the arrays.
 */
final class UpsertStatement {
    private static final List<String> SYSTEM =
            List.of("_sluice_partition", "_sluice_attempt", "_sluice_loaded_at", "_sluice_trace_id");

    private final PostgresSinkConfig config;
    private final String table;

    UpsertStatement(PostgresSinkConfig config, String qualifiedTable) {
        this.config = config;
        this.table = qualifiedTable;
    }

    /** A plain insert: cheaper than an upsert (no speculative insertion), fails on a key already there. */
    String insert() {
        return sql(false);
    }

    /** {@code ON CONFLICT (key) DO UPDATE}: a key already there gets the page's values. */
    String upsert() {
        return sql(true);
    }

    private String sql(boolean upsert) {
        List<String> casts = new ArrayList<>();
        List<String> arrays = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> updates = new ArrayList<>();
        int c = 0;
        for (Map.Entry<String, ColumnConfig> column : config.columns().entrySet()) {
            casts.add("u.c" + c + "::" + column.getValue().type().sqlType());
            arrays.add("CAST(? AS text[])");
            names.add("c" + c++);
            if (!config.key().contains(column.getKey())) {
                updates.add(SinkTable.quote(column.getKey()) + " = EXCLUDED." + SinkTable.quote(column.getKey()));
            }
        }
        SYSTEM.forEach(system -> updates.add(system + " = EXCLUDED." + system));
        return "INSERT INTO " + table + " (" + quoted(config.columns().keySet()) + ", " + String.join(", ", SYSTEM)
                + ")\nSELECT " + String.join(", ", casts) + ", ?, ?, now(), ?\n"
                + "FROM unnest(" + String.join(", ", arrays) + ") AS u(" + String.join(", ", names) + ")"
                + (upsert
                        ? "\nON CONFLICT (" + quoted(config.key()) + ") DO UPDATE SET " + String.join(", ", updates)
                        : "");
    }

    private static String quoted(Collection<String> identifiers) {
        return identifiers.stream().map(SinkTable::quote).collect(Collectors.joining(", "));
    }
}
