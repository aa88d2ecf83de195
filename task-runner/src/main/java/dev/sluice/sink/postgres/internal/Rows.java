package dev.sluice.sink.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Masking;
import dev.sluice.config.JsonPath;
import dev.sluice.db.PostgresValues;
import dev.sluice.sink.DeadLetter;
import dev.sluice.sink.postgres.ColumnConfig;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a page of records into rows (text in PostgreSQL's input format per declared column), sorting out dead letters and
 * keeping only the last record of each key: one statement may not upsert a key twice.
 */
final class Rows {
    private static final int SHOWN_KEY = 120;
    /** The rows of a page, in first-seen key order, and the records that could not become rows. */
    record Converted(List<String[]> rows, List<DeadLetter> deadLetters) {}

    private final List<String> names;
    private final List<ColumnConfig> columns;
    private final List<JsonPath> paths;
    private final int[] keyIndexes;

    Rows(PostgresSinkConfig config) {
        this.names = List.copyOf(config.columns().keySet());
        this.columns = List.copyOf(config.columns().values());
        this.paths = columns.stream().map(c -> JsonPath.compile(c.path())).toList();
        this.keyIndexes = config.key().stream().mapToInt(names::indexOf).toArray();
    }

    /** Converts a page: its rows, with only the last record of each key, and its dead letters. */
    Converted convert(List<JsonNode> records) {
        Map<Object, String[]> byKey = new LinkedHashMap<>();
        List<DeadLetter> dead = new ArrayList<>();
        for (JsonNode record : records) {
            try {
                String[] row = row(record);
                byKey.put(key(row), row);
            } catch (Values.Unfit e) {
                dead.add(deadLetter(record, e));
            }
        }
        return new Converted(new ArrayList<>(byKey.values()), dead);
    }

    private String[] row(JsonNode record) throws Values.Unfit {
        if (!record.isObject()) {
            throw new Values.Unfit(
                    "the record is a JSON " + record.getNodeType().toString().toLowerCase() + ", not an object");
        }
        String[] row = new String[columns.size()];
        for (int i = 0; i < row.length; i++) {
            try {
                row[i] = Values.text(columns.get(i).type(), paths.get(i).read(record));
            } catch (Values.Unfit e) {
                throw new Values.Unfit("column " + names.get(i) + " (" + paths.get(i) + "): " + e.getMessage());
            }
            if (row[i] == null && (columns.get(i).required() || isKey(i))) {
                throw new Values.Unfit("column " + names.get(i) + " (" + paths.get(i)
                        + ") is missing or null, but it is " + (isKey(i) ? "part of the key" : "required"));
            }
        }
        checkKeySize(row);
        return row;
    }

    /** A key PostgreSQL could not index would fail the page's transaction; it is refused here instead. */
    private void checkKeySize(String[] row) throws Values.Unfit {
        long bytes = 0;
        for (int k : keyIndexes) {
            bytes += PostgresValues.utf8Length(row[k]);
        }
        if (bytes > PostgresValues.MAX_KEY_BYTES) {
            throw new Values.Unfit("the key (" + String.join(", ", keyNames()) + ") takes " + bytes + " bytes; a key "
                    + "may take at most " + PostgresValues.MAX_KEY_BYTES + " (PostgreSQL indexes at most 2 704 bytes "
                    + "per entry)");
        }
    }

    private List<String> keyNames() {
        List<String> out = new ArrayList<>();
        for (int k : keyIndexes) {
            out.add(names.get(k));
        }
        return out;
    }

    /** The record as a dead letter; its error names the record's key when it can be read. */
    private DeadLetter deadLetter(JsonNode record, Values.Unfit unfit) {
        String key = keyOf(record);
        boolean readable = key.chars().anyMatch(c -> c != '?' && c != '|');
        return new DeadLetter(key, record, (readable ? "record " + key + ": " : "") + unfit.getMessage());
    }

    private boolean isKey(int column) {
        for (int k : keyIndexes) {
            if (k == column) {
                return true;
            }
        }
        return false;
    }

    /** The row's key: the value itself for one-column keys (no list to allocate), else the list of values. */
    private Object key(String[] row) {
        if (keyIndexes.length == 1) {
            return row[keyIndexes[0]];
        }
        List<String> key = new ArrayList<>(keyIndexes.length);
        for (int k : keyIndexes) {
            key.add(row[k]);
        }
        return key;
    }

    /**
     * The record's key for a dead letter, as far as it can be read: what PostgreSQL cannot store
     * spelled out, and at most {@value #SHOWN_KEY} characters of it (a 300 KB key is shown by its
     * start and length).
     */
    private String keyOf(JsonNode record) {
        List<String> parts = new ArrayList<>();
        for (int k : keyIndexes) {
            JsonNode value = paths.get(k).read(record);
            parts.add(value.isValueNode() ? value.asText() : "?");
        }
        String key = Masking.mask(PostgresValues.storableText(String.join("|", parts))); // before any cut
        if (key.length() <= SHOWN_KEY) {
            return key;
        }
        int end = Character.isHighSurrogate(key.charAt(SHOWN_KEY - 1)) ? SHOWN_KEY - 1 : SHOWN_KEY;
        return key.substring(0, end) + "... (" + key.length() + " characters)";
    }
}
