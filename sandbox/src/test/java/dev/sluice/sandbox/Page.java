package dev.sluice.sandbox;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.sluice.sandbox.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** A page of {@code GET /v1/orders}, read the way a loader would (amounts as exact decimals). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record Page(List<Order> data, long page, int pageSize, long total, boolean hasMore, String next, String nextCursor) {
    static Page of(String body) {
        try {
            return Json.MAPPER.readValue(body, Page.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
