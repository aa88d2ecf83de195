package dev.sluice.source.http;

import dev.sluice.config.SpecCheck;

/**
 * {@code incremental:} load only records changed since the last run. Each request carries
 * {@code param} = the highest {@code cursor_field} value committed so far (or {@code initial});
 * when a pass completes, the next run of the partition starts a new pass from there. Records must
 * come sorted by the cursor field (ascending), and its values must sort as text (ISO-8601 UTC
 * timestamps do) or as numbers. Records with the same cursor value as the last one are fetched
 * again and upserted, so none is missed.
 *
 * @param cursorField where the cursor is in each record, e.g. {@code $.updated_at}
 * @param param       the query parameter that carries it, e.g. {@code updated_since}
 * @param initial     the value for the very first pass, or null to send no parameter then
 */
public record IncrementalConfig(String cursorField, String param, String initial) {
    void check(SpecCheck check) {
        if (cursorField == null) {
            check.fail("cursor_field", "is required, e.g. cursor_field: $.updated_at");
        } else {
            HttpSourceConfig.checkPath(check, "cursor_field", cursorField);
        }
        WireText.checkQueryValue(check, "initial", initial);
        check.require(
                param != null && param.matches("[A-Za-z0-9_.\\[\\]-]+"),
                "param",
                "is required: the query parameter that carries the cursor, e.g. updated_since");
    }
}
