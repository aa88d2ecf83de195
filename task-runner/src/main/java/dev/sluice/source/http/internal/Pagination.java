package dev.sluice.source.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.config.JsonPath;
import dev.sluice.http.Response;
import dev.sluice.source.SourceRejectedException;
import dev.sluice.source.http.PaginationConfig;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Moves from one page to the next. A position is a small JSON object ({@code {"cursor":"x"}},
 * {@code {"url":"..."}}, {@code {"page":3,"seen":200}}); null is the first page. A URL the API gives
 * is admitted by the exchange's origin policy and stripped of credentials before it becomes a
 * position, so a refused link (another scheme, a downgrade, another origin under
 * {@code cross_origin: refuse}) is never stored.
 */
abstract sealed class Pagination {
    /** What the request for the page at {@code position} needs. */
    record PageRequest(URI url, Map<String, String> params) {}

    /** What a page looked like, for deciding what comes after it. */
    record PageSeen(URI requested, Response response, JsonNode body, int records) {}

    /** Admits a link the API gave: absolute, allowed by the origin policy, without credentials. */
    @FunctionalInterface
    interface Links {
        URI follow(URI from, String link, String what);
    }

    abstract PageRequest request(JsonNode position);

    /** The position of the page after this one, or null when this was the last page. */
    abstract JsonNode after(JsonNode position, PageSeen page);

    static Pagination of(PaginationConfig config, Links links) {
        return switch (config.type()) {
            case "next_link" -> new NextLink(JsonPath.compile(config.next()), links);
            case "link_header" -> new LinkHeaderLink(links);
            case "cursor" -> new Cursor(config);
            case "page_number" -> new Counted(config, true);
            case "offset" -> new Counted(config, false);
            default -> new Single();
        };
    }

    static ObjectNode position(String field, Object value) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.set(field, Json.MAPPER.valueToTree(value));
        return node;
    }

    static boolean flagFalse(JsonPath path, JsonNode body) {
        if (path == null) {
            return false;
        }
        JsonNode flag = path.read(body);
        return flag.isBoolean() && !flag.booleanValue();
    }

    /** One request per partition. */
    static final class Single extends Pagination {
        @Override
        PageRequest request(JsonNode position) {
            return new PageRequest(null, Map.of());
        }

        @Override
        JsonNode after(JsonNode position, PageSeen page) {
            return null;
        }
    }

    /** The body names the next page's URL. */
    static final class NextLink extends Pagination {
        private final JsonPath next;
        private final Links links;

        NextLink(JsonPath next, Links links) {
            this.next = next;
            this.links = links;
        }

        @Override
        PageRequest request(JsonNode position) {
            return new PageRequest(
                    position == null ? null : URI.create(position.get("url").asText()), Map.of());
        }

        @Override
        JsonNode after(JsonNode position, PageSeen page) {
            JsonNode link = next.read(page.body());
            if (!link.isTextual() || link.asText().isBlank()) {
                return null;
            }
            return position(
                    "url",
                    advanced(page.requested(), links.follow(page.response().uri(), link.asText(), "next link")));
        }
    }

    /** The {@code Link} header's {@code rel="next"}. */
    static final class LinkHeaderLink extends Pagination {
        private final Links links;

        LinkHeaderLink(Links links) {
            this.links = links;
        }

        @Override
        PageRequest request(JsonNode position) {
            return new PageRequest(
                    position == null ? null : URI.create(position.get("url").asText()), Map.of());
        }

        @Override
        JsonNode after(JsonNode position, PageSeen page) {
            return page.response().headers().allValues("Link").stream()
                    .map(LinkHeader::next)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .map(link -> (JsonNode) position(
                            "url",
                            advanced(
                                    page.requested(),
                                    links.follow(page.response().uri(), link, "Link header"))))
                    .orElse(null);
        }
    }

    /** The body holds an opaque cursor for the next request. */
    static final class Cursor extends Pagination {
        private final JsonPath cursor;
        private final JsonPath hasMore;
        private final String param;

        Cursor(PaginationConfig config) {
            this.cursor = JsonPath.compile(config.cursor());
            this.hasMore = config.hasMore() == null ? null : JsonPath.compile(config.hasMore());
            this.param = config.param();
        }

        @Override
        PageRequest request(JsonNode position) {
            return new PageRequest(
                    null,
                    position == null
                            ? Map.of()
                            : Map.of(param, position.get("cursor").asText()));
        }

        @Override
        JsonNode after(JsonNode position, PageSeen page) {
            JsonNode next = cursor.read(page.body());
            if (next.isMissingNode() || next.isNull() || next.asText().isEmpty() || flagFalse(hasMore, page.body())) {
                return null;
            }
            if (position != null && position.get("cursor").asText().equals(next.asText())) {
                throw new SourceRejectedException(
                        200,
                        "the API returned the same cursor twice ("
                                + page.requested().getPath()
                                + "); its pagination does not advance, so the run stops instead of looping");
            }
            return position("cursor", next.asText());
        }
    }

    /** Page numbers or offsets, counted by the runner. */
    static final class Counted extends Pagination {
        private final boolean pages;
        private final String param;
        private final int start;
        private final String sizeParam;
        private final Integer size;
        private final JsonPath hasMore;
        private final JsonPath total;

        Counted(PaginationConfig config, boolean pages) {
            this.pages = pages;
            this.param = config.param();
            this.start = config.start();
            this.sizeParam = pages ? config.sizeParam() : config.limitParam();
            this.size = pages ? config.size() : config.limit();
            this.hasMore = config.hasMore() == null ? null : JsonPath.compile(config.hasMore());
            this.total = config.total() == null ? null : JsonPath.compile(config.total());
        }

        @Override
        PageRequest request(JsonNode position) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put(
                    param,
                    String.valueOf(
                            position == null
                                    ? start
                                    : position.get(pages ? "page" : "offset").asLong()));
            if (sizeParam != null && size != null) {
                params.put(sizeParam, String.valueOf(size));
            }
            return new PageRequest(null, params);
        }

        @Override
        JsonNode after(JsonNode position, PageSeen page) {
            long current = position == null
                    ? start
                    : position.get(pages ? "page" : "offset").asLong();
            long seen = (position == null ? 0 : position.path("seen").asLong()) + page.records();
            boolean totalReached = total != null
                    && total.read(page.body()).canConvertToLong()
                    && seen >= total.read(page.body()).asLong();
            if (page.records() == 0
                    || (size != null && page.records() < size)
                    || flagFalse(hasMore, page.body())
                    || totalReached) {
                return null;
            }
            ObjectNode next = position(pages ? "page" : "offset", pages ? current + 1 : current + page.records());
            next.put("seen", seen);
            return next;
        }
    }

    /** Refuses a "next" link that points back at the page just read, which would loop forever. */
    private static String advanced(URI requested, URI next) {
        if (next.equals(requested)) {
            throw new SourceRejectedException(
                    200,
                    "the API's next link points at the page just read (" + requested.getPath()
                            + "); the run stops instead of looping");
        }
        return next.toString();
    }
}
