package dev.sluice.source.http;

import dev.sluice.config.SpecCheck;
import java.util.List;
import java.util.Map;

/**
 * {@code pagination:} of an HTTP source.
 *
 * <ul>
 *   <li>{@code none}: one request per partition.
 *   <li>{@code next_link}: the body holds the next page's URL at {@code next} (default {@code $.next}).
 *   <li>{@code link_header}: the {@code Link} header's {@code rel="next"} URL.
 *   <li>{@code cursor}: the body holds a cursor at {@code cursor} (default {@code $.next_cursor}),
 *       sent back as query parameter {@code param} (default {@code cursor}).
 *   <li>{@code page_number}: {@code param} (default {@code page}) counts from {@code start}
 *       (default 1); optional {@code size_param}/{@code size} set the page size.
 *   <li>{@code offset}: {@code param} (default {@code offset}) advances by the records received;
 *       optional {@code limit_param}/{@code limit}.
 * </ul>
 *
 * The last page is the one without a next link or cursor; for page_number and offset, an empty
 * page, a page shorter than size/limit, {@code has_more} false or {@code total} reached.
 */
public record PaginationConfig(
        String type,
        String next,
        String cursor,
        String param,
        Integer start,
        String sizeParam,
        Integer size,
        String limitParam,
        Integer limit,
        String hasMore,
        String total) {

    static final PaginationConfig NONE =
            new PaginationConfig("none", null, null, null, null, null, null, null, null, null, null);

    private static final Map<String, List<String>> FIELDS = Map.of(
            "none", List.of(),
            "next_link", List.of("next"),
            "link_header", List.of(),
            "cursor", List.of("cursor", "param", "has_more"),
            "page_number", List.of("param", "start", "size_param", "size", "has_more", "total"),
            "offset", List.of("param", "start", "limit_param", "limit", "has_more", "total"));

    public PaginationConfig {
        type = type == null ? "none" : type;
        next = next == null && "next_link".equals(type) ? "$.next" : next;
        cursor = cursor == null && "cursor".equals(type) ? "$.next_cursor" : cursor;
        param = param == null ? defaultParam(type) : param;
        start = start == null ? ("page_number".equals(type) ? 1 : 0) : start;
    }

    private static String defaultParam(String type) {
        return switch (type) {
            case "cursor" -> "cursor";
            case "page_number" -> "page";
            case "offset" -> "offset";
            default -> null;
        };
    }

    void check(SpecCheck check) {
        List<String> allowed = FIELDS.get(type);
        if (allowed == null) {
            check.fail("type", "must be one of none, next_link, link_header, cursor, page_number, offset");
            return;
        }
        unused(check, allowed, "size_param", sizeParam);
        unused(check, allowed, "size", size);
        unused(check, allowed, "limit_param", limitParam);
        unused(check, allowed, "limit", limit);
        unused(check, allowed, "has_more", hasMore);
        unused(check, allowed, "total", total);
        HttpSourceConfig.checkPath(check, "next", next);
        HttpSourceConfig.checkPath(check, "cursor", cursor);
        HttpSourceConfig.checkPath(check, "has_more", hasMore);
        HttpSourceConfig.checkPath(check, "total", total);
        check.require(size == null || size > 0, "size", "must be at least 1");
        check.require(limit == null || limit > 0, "limit", "must be at least 1");
        check.require(start >= 0, "start", "must be 0 or more");
        check.require(
                size == null || sizeParam != null,
                "size_param",
                "is required with size (the query parameter that carries it)");
        check.require(
                limit == null || limitParam != null,
                "limit_param",
                "is required with limit (the query parameter that carries it)");
    }

    private void unused(SpecCheck check, List<String> allowed, String field, Object value) {
        if (value != null && !allowed.contains(field)) {
            check.fail(field, "is not used by " + type + " pagination");
        }
    }
}
