package dev.sluice.source.sql.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;

/**
 * Rows as JSON objects, each value keeping its type: integers and {@code numeric} as exact numbers
 * (12.50 stays 12.50), floats as numbers (NaN and infinities as text), booleans, json/jsonb as
 * JSON, timestamps as ISO-8601 UTC ({@code timestamp} without time zone is read as UTC), dates as
 * {@code 2026-11-01}, bytea as base64, arrays as arrays, NULL as null, everything else (text,
 * uuid, enums, intervals...) as PostgreSQL writes it.
 */
final class RowJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> NOT_NUMBERS = Set.of("NaN", "Infinity", "-Infinity");

    private final String[] labels;
    private final String[] types;

    RowJson(ResultSetMetaData meta) throws SQLException {
        labels = new String[meta.getColumnCount()];
        types = new String[labels.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = meta.getColumnLabel(i + 1);
            types[i] = meta.getColumnTypeName(i + 1);
        }
    }

    /** The current row of {@code rows} as an object, columns in the query's order. */
    ObjectNode row(ResultSet rows) throws SQLException {
        ObjectNode out = NODES.objectNode();
        for (int i = 0; i < labels.length; i++) {
            out.set(labels[i], value(rows, i + 1, types[i]));
        }
        return out;
    }

    private static JsonNode value(ResultSet rows, int column, String type) throws SQLException {
        return switch (type) {
            case "int2", "int4" -> integer(rows.getInt(column), rows.wasNull());
            case "int8", "oid" ->
                rows.getObject(column) == null ? NODES.nullNode() : NODES.numberNode(rows.getLong(column));
            case "numeric", "float4", "float8" -> number(rows.getString(column), type);
            case "bool" ->
                rows.getObject(column) == null ? NODES.nullNode() : NODES.booleanNode(rows.getBoolean(column));
            case "json", "jsonb" -> json(rows.getString(column));
            case "bytea" -> bytes(rows.getBytes(column));
            case "timestamptz" -> instant(rows, column, true);
            case "timestamp" -> instant(rows, column, false);
            default -> type.startsWith("_") ? array(rows.getArray(column)) : text(rows.getString(column));
        };
    }

    private static JsonNode integer(int value, boolean wasNull) {
        return wasNull ? NODES.nullNode() : NODES.numberNode(value);
    }

    /** From PostgreSQL's own text, which is exact (the driver asks for shortest-exact floats). */
    private static JsonNode number(String text, String type) {
        if (text == null) {
            return NODES.nullNode();
        }
        if (NOT_NUMBERS.contains(text)) {
            return NODES.textNode(text);
        }
        return type.equals("numeric")
                ? NODES.numberNode(new BigDecimal(text))
                : NODES.numberNode(Double.parseDouble(text));
    }

    private static JsonNode json(String text) throws SQLException {
        if (text == null) {
            return NODES.nullNode();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("PostgreSQL returned json that does not parse: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode bytes(byte[] bytes) {
        return bytes == null
                ? NODES.nullNode()
                : NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }

    private static JsonNode text(String text) {
        return text == null ? NODES.nullNode() : NODES.textNode(text);
    }

    private static JsonNode instant(ResultSet rows, int column, boolean zoned) throws SQLException {
        String text = rows.getString(column);
        if (text == null || text.endsWith("infinity")) {
            return text(text);
        }
        return NODES.textNode(
                zoned
                        ? rows.getObject(column, OffsetDateTime.class)
                                .toInstant()
                                .toString()
                        : rows.getObject(column, LocalDateTime.class)
                                .toInstant(ZoneOffset.UTC)
                                .toString());
    }

    private static JsonNode array(Array array) throws SQLException {
        if (array == null) {
            return NODES.nullNode();
        }
        try {
            return elements((Object[]) array.getArray(), array.getBaseTypeName());
        } finally {
            array.free();
        }
    }

    private static ArrayNode elements(Object[] values, String base) throws SQLException {
        ArrayNode out = NODES.arrayNode(values.length);
        for (Object value : values) {
            out.add(element(value, base));
        }
        return out;
    }

    private static JsonNode element(Object value, String base) throws SQLException {
        return switch (value) {
            case null -> NODES.nullNode();
            case Object[] nested -> elements(nested, base);
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Short i -> NODES.numberNode(i);
            case Long i -> NODES.numberNode(i);
            case BigDecimal d -> NODES.numberNode(d);
            case Number floating -> number(floating.toString(), "float8");
            case byte[] bytes -> bytes(bytes);
            case Timestamp t ->
                NODES.textNode(
                        base.equals("timestamptz")
                                ? t.toInstant().toString()
                                : t.toLocalDateTime().toInstant(ZoneOffset.UTC).toString());
            case Date d -> NODES.textNode(d.toLocalDate().toString());
            default -> base.equals("json") || base.equals("jsonb") ? json(value.toString()) : text(value.toString());
        };
    }
}
