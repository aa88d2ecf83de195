package dev.sluice.sandbox.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.UnaryOperator;

/**
 * Where a page starts and how long it is, from whichever paging style the client used. The start
 * comes from {@code cursor}, else {@code offset}, else {@code page} (1-based); the length from
 * {@code limit}, else {@code page_size} (default 100, at most 1000).
 *
 * @param offset how many records of the (filtered) partition to skip
 * @param size   the page length
 * @param since  only records updated at or after this instant, or null for all
 */
record PageQuery(long offset, int size, Instant since) {
    static final int DEFAULT_SIZE = 100;
    static final int MAX_SIZE = 1000;

    static PageQuery parse(UnaryOperator<String> param) {
        String limit = param.apply("limit");
        int size = (int) number(
                limit != null ? "limit" : "page_size",
                limit != null ? limit : param.apply("page_size"),
                DEFAULT_SIZE,
                1,
                MAX_SIZE);
        return new PageQuery(offset(param, size), size, since(param.apply("updated_since")));
    }

    private static long offset(UnaryOperator<String> param, int size) {
        String cursor = param.apply("cursor");
        if (cursor != null) {
            return Cursor.decode(cursor);
        }
        if (param.apply("offset") != null) {
            return number("offset", param.apply("offset"), 0, 0, Long.MAX_VALUE / 2);
        }
        return (number("page", param.apply("page"), 1, 1, Integer.MAX_VALUE) - 1) * size;
    }

    private static long number(String name, String value, long fallback, long min, long max) {
        if (value == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // one message below
        }
        throw ApiError.badRequest(
                "invalid_" + name,
                name + " = \"" + value + "\": must be a whole number from " + min
                        + (max < Integer.MAX_VALUE ? " to " + max : " up"));
    }

    private static Instant since(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notAnOffsetTime) {
                throw ApiError.badRequest(
                        "invalid_updated_since",
                        "updated_since = \"" + value + "\": must be an ISO-8601 instant, e.g. 2026-11-01T00:00:00Z");
            }
        }
    }
}
