package dev.sluice.sandbox.internal;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.sluice.sandbox.Order;
import java.util.List;

/** The body of {@code GET /v1/orders}: one page, with what every paging style needs to go on. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record OrdersPage(
        List<Order> data, long page, int pageSize, long total, boolean hasMore, String next, String nextCursor) {}
