package dev.sluice.source.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.JsonPath;
import dev.sluice.source.http.IncrementalConfig;
import java.math.BigDecimal;
import java.util.List;

/** The high-water mark of an incremental source: which cursor value a pass starts from, and the highest seen. */
final class Incremental {
    private final JsonPath field;
    private final String param;
    private final String initial;

    Incremental(IncrementalConfig config) {
        this.field = JsonPath.compile(config.cursorField());
        this.param = config.param();
        this.initial = config.initial();
    }

    String param() {
        return param;
    }

    /** The lower bound of the current pass: from the position, else the configured initial value. */
    String since(JsonNode position) {
        if (position != null && position.hasNonNull("since")) {
            return position.get("since").asText();
        }
        return initial;
    }

    /** The highest cursor value seen so far, including this page's records. */
    String highest(JsonNode position, List<JsonNode> records) {
        String best = position != null && position.hasNonNull("max_cursor")
                ? position.get("max_cursor").asText()
                : null;
        for (JsonNode record : records) {
            JsonNode value = field.read(record);
            if (!value.isMissingNode() && !value.isNull() && (best == null || compare(value.asText(), best) > 0)) {
                best = value.asText();
            }
        }
        return best;
    }

    /** Numbers compare as numbers, everything else as text (ISO-8601 UTC timestamps sort as text). */
    static int compare(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }
}
