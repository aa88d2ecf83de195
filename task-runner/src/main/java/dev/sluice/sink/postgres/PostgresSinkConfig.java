package dev.sluice.sink.postgres;

import dev.sluice.config.JsonPath;
import dev.sluice.config.SpecCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * PostgreSQL's system column names: a table cannot have a column of that name ({@code oid} is
     * an ordinary name since PostgreSQL 12).
     */
    static final Set<String> SYSTEM_COLUMNS = Set.of("tableoid", "xmin", "cmin", "xmax", "cmax", "ctid");

    /** PostgreSQL's 1600 columns per table, less the four {@code _sluice_*} columns. */
    static final int MAX_COLUMNS = 1596;

    /** PostgreSQL's 32 columns per index, the primary key's included. */
    static final int MAX_KEY_COLUMNS = 32;

    public PostgresSinkConfig {
        key = key == null ? List.of() : List.copyOf(key);
        columns = columns == null ? Map.of() : new LinkedHashMap<>(columns);
    }

    void check(SpecCheck check) {
        if (table == null || !table.matches("(" + IDENTIFIER + "\\.)?" + IDENTIFIER)) {
            check.fail("table", "is required: a lower-case table name like shop_orders or analytics.shop_orders");
        } else if (table.startsWith("sluice_") || table.contains(".sluice_")) {
            check.fail("table", "names starting with sluice_ are reserved for Sluice's own tables");
        } else {
            checkSchema(check);
        }
        if (columns.isEmpty()) {
            check.fail("columns", "declare at least one column, e.g. id: {path: $.id, type: text}");
        } else if (columns.size() > MAX_COLUMNS) {
            check.fail(
                    "columns",
                    "declares " + columns.size() + " columns; a PostgreSQL table has at most 1600, "
                            + "4 of which Sluice adds (at most " + MAX_COLUMNS + " here)");
        }
        if (key.size() > MAX_KEY_COLUMNS) {
            check.fail(
                    "key",
                    "lists " + key.size() + " columns; PostgreSQL's primary key takes at most " + MAX_KEY_COLUMNS);
        }
        columns.forEach((name, column) -> checkColumn(check, name, column));
        if (key.isEmpty()) {
            check.fail("key", "is required: the columns that identify a record, e.g. key: [id]");
        }
        for (int i = 0; i < key.size(); i++) {
            ColumnConfig column = columns.get(key.get(i));
            if (column == null) {
                check.fail("key/" + i, "is not one of the declared columns");
            } else if (column.type() == ColumnType.JSONB) {
                check.fail(
                        "key/" + i,
                        "a jsonb column cannot be part of the key: its stored size is not known "
                                + "before PostgreSQL indexes it; key on scalar columns (text, bigint, uuid, ...)");
            }
        }
        check.require(key.stream().distinct().count() == key.size(), "key", "lists a column twice");
    }

    /** PostgreSQL's own schemas; an unqualified pg_ name would find pg_catalog's table first. */
    private void checkSchema(SpecCheck check) {
        int dot = table.indexOf('.');
        String schema = dot < 0 ? null : table.substring(0, dot);
        if (schema != null && (schema.startsWith("pg_") || schema.equals("information_schema"))) {
            check.fail(
                    "table",
                    "schema " + schema + " belongs to PostgreSQL (pg_catalog, pg_toast, pg_temp, "
                            + "information_schema and every pg_ schema); use a schema of your own, e.g. analytics."
                            + name());
        } else if (schema == null && table.startsWith("pg_")) {
            check.fail(
                    "table",
                    "an unqualified name starting with pg_ resolves to PostgreSQL's catalog first "
                            + "(pg_catalog is searched before public); qualify it, e.g. public." + table
                            + ", or rename it");
        }
    }

    private String name() {
        return table.substring(table.indexOf('.') + 1);
    }

    private static void checkColumn(SpecCheck check, String name, ColumnConfig column) {
        String field = "columns/" + name;
        if (!IDENTIFIER.matcher(name).matches() || name.startsWith("_sluice")) {
            check.fail(field, "column names are lower-case letters, digits and _ (not starting with _sluice)");
        } else if (SYSTEM_COLUMNS.contains(name)) {
            check.fail(
                    field,
                    name + " is a PostgreSQL system column name (tableoid, xmin, cmin, xmax, cmax, ctid); "
                            + "name the column otherwise, e.g. " + name + "_value, and keep its path");
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
