package dev.sluice.sink.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's page write as a PL/pgSQL function beside the sink table, created by {@code prepare}
 * when missing. The runner sends no named prepared statements (PgBouncer's transaction pooling
 * cannot keep them), so PostgreSQL would parse, analyse and plan the page's {@code INSERT} on every
 * page, about a sixth of its CPU at 100-record pages; PL/pgSQL plans the statements of a function
 * once per server session, which holds behind PgBouncer too.
 *
 * <p>Its name ends with a digest of its whole definition (table, columns, types, key), so a
 * changed spec gets a function of its own, and the function is created once, never replaced (no
 * {@code CREATE OR REPLACE} racing between partitions that start together); an existing function
 * of that name is used only when its body is this one. Where it cannot be created (no CREATE
 * privilege on the schema, more columns than a function takes arguments), the sink sends the same
 * statement inline.
 *
 * <p>Arguments: partition, epoch, trace id, upsert (boolean), then one array per declared column;
 * it returns the rows written. The body refers to its arguments by position, so no column name can
 * clash with them.
 */
final class WriteFunction {
    private static final Logger LOG = LoggerFactory.getLogger(WriteFunction.class);
    /** PostgreSQL's FUNC_MAX_ARGS (default build). */
    private static final int MAX_ARGUMENTS = 100;

    private static final int FIXED_ARGUMENTS = 4;
    private static final String TAG = "$sluice_write$";

    private final String table;
    private final String schemaPrefix;
    private final int columns;
    private final String body;
    private final String name;
    private final String signature;
    private final String definition;

    /**
     * @param schema the sink table's schema, or null when unqualified (the function then goes where
     *               the table went: the first schema of the search path)
     */
    WriteFunction(WriteSql sql, String schema, String table) {
        this.table = table;
        this.schemaPrefix = schema == null ? "" : SinkTable.quote(schema) + ".";
        this.columns = sql.types().size();
        List<String> arrays = new ArrayList<>();
        List<String> types = new ArrayList<>(List.of("text", "bigint", "text", "boolean"));
        for (int c = 0; c < columns; c++) {
            arrays.add("$" + (FIXED_ARGUMENTS + 1 + c));
            types.add(ColumnArray.sqlType(sql.types().get(c)));
        }
        WriteSql.Inputs inputs = new WriteSql.Inputs(arrays, "$1", "$2", "$3");
        this.body = "\n#variable_conflict use_column\nDECLARE\n    written bigint;\nBEGIN\n    IF $4 THEN\n        "
                + sql.write(true, inputs).replace("\n", "\n        ") + ";\n    ELSE\n        "
                + sql.write(false, inputs).replace("\n", "\n        ") + ";\n    END IF;\n"
                + "    GET DIAGNOSTICS written = ROW_COUNT;\n    RETURN written;\nEND\n";
        String arguments = String.join(", ", types);
        this.name = "_sluice_write_" + digest(arguments + body);
        this.definition = "CREATE FUNCTION " + schemaPrefix + name + "(" + arguments
                + ") RETURNS bigint LANGUAGE plpgsql AS " + TAG + body + TAG;
        this.signature = schemaPrefix + name + "(" + arguments + ")";
    }

    /** The call the page transaction sends: {@code SELECT f(?, ?, ...)}, arguments as in the class comment. */
    String call() {
        return "SELECT " + schemaPrefix + name + "(CAST(? AS text), ?, CAST(? AS text), ?" + ", ?".repeat(columns)
                + ")";
    }

    /** The CREATE FUNCTION statement, for tests and for DBAs who create it themselves. */
    String definition() {
        return definition;
    }

    /**
     * Makes sure the function exists, inside the sink's DDL transaction (under its advisory lock).
     * False when it cannot be: the sink then sends its statement inline. A failed CREATE is undone
     * to a savepoint, so the table's DDL in the same transaction still commits.
     */
    boolean ensure(Handle tx) {
        if (FIXED_ARGUMENTS + columns > MAX_ARGUMENTS || body.contains(TAG)) {
            LOG.debug(
                    "sink table {}: {} columns, more than a function takes; pages send their statement inline",
                    table,
                    columns);
            return false;
        }
        var existing = tx.createQuery("SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure(:signature)")
                .bind("signature", signature)
                .mapTo(String.class)
                .findOne();
        if (existing.isPresent()) {
            if (existing.get().equals(body)) {
                return true;
            }
            LOG.warn(
                    "sink table {}: function {} exists with another body than Sluice's; pages are written with a "
                            + "statement PostgreSQL parses and plans on every page instead. Drop the function (the "
                            + "next run creates it again)",
                    table,
                    signature);
            return false;
        }
        tx.savepoint("sluice_write_function");
        try (Statement ddl = tx.getConnection().createStatement()) {
            // Plain JDBC: the body's $n and dollar quotes are not Jdbi's to parse.
            ddl.execute(definition);
            ddl.execute("COMMENT ON FUNCTION " + signature + " IS 'Sluice: writes a page into "
                    + table.replace("'", "''") + " (created by the postgres sink; PostgreSQL plans it once per "
                    + "session). Safe to drop: the next run creates it again.'");
            tx.releaseSavepoint("sluice_write_function");
            return true;
        } catch (SQLException | RuntimeException e) {
            tx.rollbackToSavepoint("sluice_write_function");
            LOG.warn(
                    "sink table {}: could not create its write function {} ({}); pages are written with a "
                            + "statement PostgreSQL parses and plans on every page instead (slower at small pages). "
                            + "Grant CREATE on the table's schema to the Sluice user, or create the function "
                            + "yourself (its definition is logged at DEBUG)",
                    table,
                    name,
                    rootMessage(e));
            LOG.debug("sink table {}: write function definition:\n{}", table, definition);
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null
                ? t.getClass().getSimpleName()
                : t.getMessage().lines().findFirst().orElse("");
    }

    /**
     * 64 bits from CRC-32C and String.hashCode: enough to tell a sink's definitions apart (and the
     * body is compared before an existing function is used), without loading a security provider
     * into every run's start.
     */
    private static String digest(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits(crc.getValue() << 32 | (text.hashCode() & 0xffffffffL));
    }
}
