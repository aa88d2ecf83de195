package dev.sluice.sink.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.JsonPath;
import dev.sluice.sink.DeadLetter;
import dev.sluice.sink.postgres.ColumnConfig;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a page of records into rows (COPY text per declared column), sorting out dead letters and
 * keeping only the last record of each key: one statement may not upsert a key twice.
 */
final class Rows {
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

    Converted convert(List<JsonNode> records) {
        Map<List<String>, String[]> byKey = new LinkedHashMap<>();
        List<DeadLetter> dead = new ArrayList<>();
        for (JsonNode record : records) {
            try {
                String[] row = row(record);
                byKey.put(key(row), row);
            } catch (Values.Unfit e) {
                dead.add(new DeadLetter(keyOf(record), record, e.getMessage()));
            }
        }
        return new Converted(new ArrayList<>(byKey.values()), dead);
    }

    private String[] row(JsonNode record) throws Values.Unfit {
        if (!record.isObject()) {
            throw new Values.Unfit("the record is a JSON " + record.getNodeType().toString().toLowerCase() + ", not an object");
        }
        String[] row = new String[columns.size()];
        for (int i = 0; i < row.length; i++) {
            try {
                row[i] = Values.text(columns.get(i).type(), paths.get(i).read(record));
            } catch (Values.Unfit e) {
                throw new Values.Unfit("column " + names.get(i) + " (" + paths.get(i) + "): " + e.getMessage());
            }
            if (row[i] == null && (columns.get(i).required() || isKey(i))) {
                throw new Values.Unfit("column " + names.get(i) + " (" + paths.get(i) + ") is missing or null, but it is "
                        + (isKey(i) ? "part of the key" : "required"));
            }
        }
        return row;
    }

    private boolean isKey(int column) {
        for (int k : keyIndexes) {
            if (k == column) {
                return true;
            }
        }
        return false;
    }

    private List<String> key(String[] row) {
        List<String> key = new ArrayList<>(keyIndexes.length);
        for (int k : keyIndexes) {
            key.add(row[k]);
        }
        return key;
    }

    /** The record's key for a dead letter, as far as it can be read. */
    private String keyOf(JsonNode record) {
        List<String> parts = new ArrayList<>();
        for (int k : keyIndexes) {
            JsonNode value = paths.get(k).read(record);
            parts.add(value.isValueNode() ? value.asText() : "?");
        }
        return String.join("|", parts);
    }
}
