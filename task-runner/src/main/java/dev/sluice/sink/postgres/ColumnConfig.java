package dev.sluice.sink.postgres;

/**
 * One column of a PostgreSQL sink table.
 *
 * @param path     where the value is in each record, e.g. {@code $.customer.id} ({@code $} = the whole record)
 * @param type     the column type (default text)
 * @param required when true, a record without this value becomes a dead letter (key columns
 *                 always are required)
 */
public record ColumnConfig(String path, ColumnType type, Boolean required) {
    public ColumnConfig {
        type = type == null ? ColumnType.TEXT : type;
        required = required != null && required;
    }
}
