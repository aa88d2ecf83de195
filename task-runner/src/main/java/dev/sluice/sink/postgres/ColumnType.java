package dev.sluice.sink.postgres;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Column types a PostgreSQL sink can declare, with the PostgreSQL type each becomes. */
public enum ColumnType {
    TEXT("text", "text"),
    BIGINT("bigint", "bigint"),
    INTEGER("integer", "integer"),
    NUMERIC("numeric", "numeric"),
    DOUBLE("double", "double precision"),
    BOOLEAN("boolean", "boolean"),
    TIMESTAMPTZ("timestamptz", "timestamp with time zone"),
    DATE("date", "date"),
    JSONB("jsonb", "jsonb"),
    UUID("uuid", "uuid");

    private final String name;
    private final String sqlType;

    ColumnType(String name, String sqlType) {
        this.name = name;
        this.sqlType = sqlType;
    }

    /** The type as PostgreSQL's information_schema names it. */
    public String sqlType() {
        return sqlType;
    }

    @JsonValue
    @Override
    public String toString() {
        return name;
    }

    @JsonCreator
    public static ColumnType of(String name) {
        return Arrays.stream(values())
                .filter(t -> t.name.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("column type must be one of "
                        + Arrays.stream(values()).map(ColumnType::toString).collect(Collectors.joining(", "))));
    }
}
