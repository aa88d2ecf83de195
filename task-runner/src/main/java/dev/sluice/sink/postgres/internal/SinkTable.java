package dev.sluice.sink.postgres.internal;

import dev.sluice.sink.SinkTableMismatchException;
import dev.sluice.sink.postgres.ColumnConfig;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * The sink table: created when missing, missing columns added; a column of another type or a
 * missing unique key is refused before anything is written. Additive changes only, so it is safe
 * to apply on every run.
 */
final class SinkTable {
    static final List<String> SYSTEM_COLUMNS = List.of(
            "_sluice_partition text NOT NULL",
            "_sluice_attempt bigint NOT NULL",
            "_sluice_loaded_at timestamp with time zone NOT NULL DEFAULT now()",
            "_sluice_trace_id text");

    private final PostgresSinkConfig config;
    private final String schema;
    private final String name;

    SinkTable(PostgresSinkConfig config) {
        this.config = config;
        int dot = config.table().indexOf('.');
        this.schema = dot < 0 ? null : config.table().substring(0, dot);
        this.name = dot < 0 ? config.table() : config.table().substring(dot + 1);
    }

    /** The quoted, possibly schema-qualified name. */
    String qualified() {
        return schema == null ? quote(name) : quote(schema) + "." + quote(name);
    }

    /** The schema named in the spec's table, or null for an unqualified table. */
    String schema() {
        return schema;
    }

    /**
     * Creates or checks the table, then runs {@code alsoUnderLock} in the same transaction, under
     * the same lock; returns its answer.
     */
    boolean prepare(Handle handle, Predicate<Handle> alsoUnderLock) {
        return handle.inTransaction(tx -> {
            // Concurrent first runs of a job's partitions would race on CREATE TABLE: serialize the DDL.
            tx.select(
                            "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(?, 0))) AS locked",
                            "sluice.sink." + config.table())
                    .mapTo(Integer.class)
                    .one();
            if (schema != null) {
                tx.execute("CREATE SCHEMA IF NOT EXISTS " + quote(schema));
            }
            Map<String, String> existing = existingColumns(tx);
            if (existing.isEmpty()) {
                tx.execute(createStatement());
            } else {
                checkTypes(existing);
                addMissing(tx, existing);
                checkKey(tx);
            }
            return alsoUnderLock.test(tx);
        });
    }

    String createStatement() {
        List<String> defs = new ArrayList<>();
        config.columns()
                .forEach((column, c) -> defs.add(
                        quote(column) + " " + c.type().sqlType() + (config.key().contains(column) ? " NOT NULL" : "")));
        defs.addAll(SYSTEM_COLUMNS);
        defs.add("PRIMARY KEY (" + config.key().stream().map(SinkTable::quote).collect(Collectors.joining(", ")) + ")");
        return "CREATE TABLE IF NOT EXISTS " + qualified() + " (\n  " + String.join(",\n  ", defs) + "\n)";
    }

    private Map<String, String> existingColumns(Handle tx) {
        return tx.createQuery("""
                SELECT a.attname AS column_name, format_type(a.atttypid, NULL) AS data_type
                FROM pg_attribute a
                WHERE a.attrelid = to_regclass(:table) AND a.attnum > 0 AND NOT a.attisdropped""")
                .bind("table", qualified())
                .reduceRows(new java.util.LinkedHashMap<String, String>(), (map, row) -> {
                    map.put(row.getColumn("column_name", String.class), row.getColumn("data_type", String.class));
                    return map;
                });
    }

    private void checkTypes(Map<String, String> existing) {
        List<String> wrong = new ArrayList<>();
        config.columns().forEach((column, c) -> {
            String actual = existing.get(column);
            if (actual != null && !actual.equals(c.type().sqlType())) {
                wrong.add(column + " is " + actual + " in the table but " + c.type() + " in the spec");
            }
        });
        if (!wrong.isEmpty()) {
            throw new SinkTableMismatchException(
                    "sink table " + config.table() + " does not fit the job spec: " + String.join("; ", wrong)
                            + ". Change sink.columns, or alter the table (ALTER TABLE ... ALTER COLUMN ... TYPE ...).");
        }
    }

    private void addMissing(Handle tx, Map<String, String> existing) {
        for (Map.Entry<String, ColumnConfig> e : config.columns().entrySet()) {
            if (!existing.containsKey(e.getKey())) {
                tx.execute("ALTER TABLE " + qualified() + " ADD COLUMN IF NOT EXISTS " + quote(e.getKey()) + " "
                        + e.getValue().type().sqlType());
            }
        }
        for (String system : SYSTEM_COLUMNS) {
            String column = system.substring(0, system.indexOf(' '));
            if (!existing.containsKey(column)) {
                String def = system.contains("NOT NULL DEFAULT") ? system : system.replace(" NOT NULL", "");
                tx.execute("ALTER TABLE " + qualified() + " ADD COLUMN IF NOT EXISTS " + def);
            }
        }
    }

    private void checkKey(Handle tx) {
        List<Set<String>> uniques = tx.createQuery("""
                SELECT array_agg(a.attname::text) AS cols
                FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid = to_regclass(:table) AND i.indisunique AND i.indpred IS NULL
                GROUP BY i.indexrelid""")
                .bind("table", qualified())
                .map((rs, ctx) -> (Set<String>)
                        new HashSet<>(List.of((String[]) rs.getArray("cols").getArray())))
                .list();
        if (!uniques.contains(new HashSet<>(config.key()))) {
            throw new SinkTableMismatchException("sink table " + config.table() + " has no unique index on the key ("
                    + String.join(", ", config.key()) + "), so records cannot be upserted; add one "
                    + "(CREATE UNIQUE INDEX ON " + config.table() + " (" + String.join(", ", config.key())
                    + ")) or change sink.key");
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
