package dev.sluice.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small JSONPath subset specs use to point into API responses: {@code $} (the whole
 * document), {@code $.data}, {@code $.meta.next}, {@code $.items[0].id}, {@code $['odd key']}.
 * Compiled once to a {@link JsonPointer}; no filters or wildcards, so reading is a lookup.
 */
public record JsonPath(String expression, JsonPointer pointer) {
    private static final Pattern STEP = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_-]*)|\\[(\\d+)]|\\['([^']*)']");

    /** Compiles an expression, or explains the accepted form. */
    public static JsonPath compile(String expression) {
        if (expression == null || !expression.startsWith("$")) {
            throw new IllegalArgumentException("a JSON path starts with $, e.g. $.data or $.meta.next_cursor");
        }
        StringBuilder pointer = new StringBuilder();
        Matcher m = STEP.matcher(expression);
        int at = 1;
        while (at < expression.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("unsupported JSON path at \"" + expression.substring(at)
                        + "\"; use $.field, $.a.b, $.list[0] or $['odd key'] (no wildcards or filters)");
            }
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            pointer.append('/').append(name.replace("~", "~0").replace("/", "~1"));
            at = m.end();
        }
        return new JsonPath(expression, JsonPointer.compile(pointer.toString()));
    }

    /** The node at this path, or a missing node. */
    public JsonNode read(JsonNode document) {
        return document.at(pointer);
    }

    /** True for {@code $}: the whole document. */
    public boolean isRoot() {
        return pointer.matches();
    }

    @Override
    public String toString() {
        return expression;
    }
}
