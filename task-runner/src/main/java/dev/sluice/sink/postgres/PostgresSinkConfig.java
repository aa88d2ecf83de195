package dev.sluice.sink.postgres;

import dev.sluice.config.JsonPath;
import dev.sluice.config.SpecCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code sink: {type: postgres}}: records upserted into a table of the Sluice database, by key.
 * The table is created if missing (and missing columns added); besides the declared columns it
 * has {@code _sluice_partition}, {@code _sluice_attempt} (the epoch of the attempt that wrote the
 * row), {@code _sluice_loaded_at} and {@code _sluice_trace_id}.
 *
 * @param table   {@code name} or {@code schema.name}
 * @param key     the columns that identify a record (the table's primary key)
 * @param columns column name to {@link ColumnConfig}, in table order
 */
public record PostgresSinkConfig(String table, List<String> key, Map<String, ColumnConfig> columns) {
    static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public PostgresSinkConfig {
        key = key == null ? List.of() : List.copyOf(key);
        columns = columns == null ? Map.of() : new LinkedHashMap<>(columns);
    }

    void check(SpecCheck check) {
        if (table == null || !table.matches("(" + IDENTIFIER + "\\.)?" + IDENTIFIER)) {
            check.fail("table", "is required: a lower-case table name like shop_orders or analytics.shop_orders");
        } else if (table.startsWith("sluice_") || table.contains(".sluice_")) {
            check.fail("table", "names starting with sluice_ are reserved for Sluice's own tables");
        }
        if (columns.isEmpty()) {
            check.fail("columns", "declare at least one column, e.g. id: {path: $.id, type: text}");
        }
        columns.forEach((name, column) -> checkColumn(check, name, column));
        if (key.isEmpty()) {
            check.fail("key", "is required: the columns that identify a record, e.g. key: [id]");
        }
        for (int i = 0; i < key.size(); i++) {
            check.require(columns.containsKey(key.get(i)), "key/" + i, "is not one of the declared columns");
        }
        check.require(key.stream().distinct().count() == key.size(), "key", "lists a column twice");
    }

    private static void checkColumn(SpecCheck check, String name, ColumnConfig column) {
        String field = "columns/" + name;
        if (!IDENTIFIER.matcher(name).matches() || name.startsWith("_sluice")) {
            check.fail(field, "column names are lower-case letters, digits and _ (not starting with _sluice)");
        }
        if (column == null || column.path() == null) {
            check.fail(field + "/path", "is required: where the value is in the record, e.g. $.id");
            return;
        }
        try {
            JsonPath.compile(column.path());
        } catch (IllegalArgumentException e) {
            check.fail(field + "/path", e.getMessage());
        }
    }
}
