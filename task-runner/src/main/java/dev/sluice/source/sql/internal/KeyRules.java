package dev.sluice.source.sql.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Masking;
import dev.sluice.config.SpecField;
import dev.sluice.source.sql.QueryFailedException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the key column must be for keyset pages to read every row exactly once: present, of a type
 * whose JSON form PostgreSQL reads back as the same value (so a committed position can be bound
 * again), never null (a null sorts after every page and would be skipped), and unique (a repeated
 * key straddling two pages would be skipped by {@code key > after}). A repeated key fails the run
 * (78) rather than becoming a dead letter: two rows for one key leave no right answer to which
 * record is meant, so the query or the key must change.
 */
final class KeyRules {
    /** A column the query returns. */
    record Column(String name, String type) {}

    /** PostgreSQL type names a key may have, with how they are described in messages. */
    private static final Map<String, String> ORDERABLE = Map.ofEntries(
            Map.entry("int2", "smallint"),
            Map.entry("int4", "integer"),
            Map.entry("int8", "bigint"),
            Map.entry("numeric", "numeric"),
            Map.entry("float4", "real"),
            Map.entry("float8", "double precision"),
            Map.entry("text", "text"),
            Map.entry("varchar", "varchar"),
            Map.entry("bpchar", "char"),
            Map.entry("name", "name"),
            Map.entry("uuid", "uuid"),
            Map.entry("date", "date"),
            Map.entry("timestamp", "timestamp"),
            Map.entry("timestamptz", "timestamptz"));

    private static final int SHOWN = 60;

    private final String key;
    private final SpecField field;
    private final SpecField query;
    private boolean padded;

    KeyRules(String key, SpecField field, SpecField query) {
        this.key = key;
        this.field = field;
        this.query = query;
    }

    /** The key a position says to read after, or null to read from the first row. */
    JsonNode after(JsonNode position) {
        if (position == null) {
            return null;
        }
        JsonNode after = position.get("after");
        if (!position.isObject() || after == null || after.isContainerNode()) {
            throw new QueryFailedException(field + ": the partition's watermark " + position
                    + " was not written by a sql source (did the job's source change?); start the partition over: "
                    + "sluice reset --job ... --partition ...");
        }
        return after.isNull() ? null : after;
    }

    void checkColumns(List<Column> columns) {
        Set<String> seen = new HashSet<>();
        Column keyColumn = null;
        for (Column column : columns) {
            if (!seen.add(column.name())) {
                throw new QueryFailedException(query + ": the query returns " + "more than one column named "
                        + column.name() + "; give each column its own name with AS");
            }
            keyColumn = column.name().equals(key) ? column : keyColumn;
        }
        if (keyColumn == null) {
            throw new QueryFailedException(field + ": the query returns no column " + key + "; its columns are "
                    + String.join(", ", columns.stream().map(Column::name).toList())
                    + " (as the query names them: unquoted names are lower case)");
        }
        if (!ORDERABLE.containsKey(keyColumn.type())) {
            throw new QueryFailedException(field + ": column " + key + " is of type " + keyColumn.type()
                    + ", which cannot order the records here; key on a column of type "
                    + String.join(
                            ", ",
                            Set.copyOf(ORDERABLE.values()).stream().sorted().toList())
                    + " (or cast it in the query, e.g. CAST(" + key + " AS text) AS " + key + ")");
        }
        padded = keyColumn.type().equals("bpchar");
    }

    void checkNoNullKey(boolean exists) {
        if (exists) {
            throw nullKey();
        }
    }

    /** Rows come in key order: a repeated key is the previous row's. */
    void checkRow(ObjectNode row, ObjectNode previous) {
        JsonNode value = row.get(key);
        if (value == null || value.isNull()) {
            throw nullKey();
        }
        if (previous != null && same(value, previous.get(key))) {
            throw new QueryFailedException(
                    field + ": " + key + " is not unique in the query's results (more than one "
                            + "row has " + key + " = " + shown(value) + "); the key must identify one record of the "
                            + "partition: key on a unique column, or make the query return one row per key (GROUP BY, DISTINCT ON)");
        }
    }

    private QueryFailedException nullKey() {
        return new QueryFailedException(field + ": the query returns rows whose " + key + " is null; the key "
                + "identifies and orders the records, so it must not be null: leave them out (WHERE " + key
                + " IS NOT NULL) or fix the data");
    }

    private boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return padded ? a.asText().stripTrailing().equals(b.asText().stripTrailing()) : a.equals(b);
    }

    /** A key as PostgreSQL reads it back for its type: numbers in plain digits, text as it is. */
    static String text(JsonNode key) {
        return key.isNumber() ? key.decimalValue().toPlainString() : key.asText();
    }

    private static String shown(JsonNode value) {
        String text = Masking.mask(value.toString()); // before the cut, so no part of a secret shows
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "... (" + text.length() + " characters)";
    }
}
