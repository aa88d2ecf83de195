package dev.sluice.sandbox.internal;

import dev.sluice.sandbox.Dataset;
import dev.sluice.sandbox.Order;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code GET /v1/orders?partition=P}: one page of a partition, in every paging style at once. */
final class OrdersHandler {
    private final SandboxState state;
    private final Gate gate;
    private final Delivery delivery;

    OrdersHandler(SandboxState state, Gate gate, Delivery delivery) {
        this.state = state;
        this.gate = gate;
        this.delivery = delivery;
    }

    void handle(Context ctx) throws Exception {
        String partition = ctx.queryParam("partition");
        FaultPlan plan = gate.pass(ctx, partition);
        if (plan == null) {
            return;
        }
        if (partition == null || partition.isBlank()) {
            throw ApiError.badRequest(
                    "missing_partition", "query parameter partition is required, e.g. /v1/orders?partition=2026-11-01");
        }
        OrdersPage page = page(state.live().dataset(), partition, PageQuery.parse(ctx::queryParam), baseUrl(ctx));
        if (page.next() != null) {
            ctx.header("Link", "<" + page.next() + ">; rel=\"next\"");
        }
        delivery.send(ctx, 200, Replies.bytes(page), plan);
    }

    static OrdersPage page(Dataset dataset, String partition, PageQuery q, String baseUrl) {
        long count = dataset.count(partition);
        long first = q.since() == null ? 1 : dataset.firstUpdatedSince(partition, q.since());
        long total = count - first + 1;
        long from = first + q.offset();
        List<Order> data =
                from > count ? List.of() : dataset.orders(partition, from, Math.min(count, from + q.size() - 1));
        long nextOffset = q.offset() + data.size();
        boolean hasMore = nextOffset < total;
        String cursor = hasMore ? Cursor.encode(nextOffset) : null;
        String next = hasMore ? nextUrl(baseUrl, partition, q, cursor) : null;
        return new OrdersPage(data, q.offset() / q.size() + 1, q.size(), total, hasMore, next, cursor);
    }

    private static String nextUrl(String baseUrl, String partition, PageQuery q, String cursor) {
        String since =
                q.since() == null ? "" : "&updated_since=" + encode(q.since().toString());
        return baseUrl + "/v1/orders?partition=" + encode(partition) + since + "&page_size=" + q.size() + "&cursor="
                + cursor;
    }

    private static String baseUrl(Context ctx) {
        String host = ctx.host();
        return ctx.scheme() + "://"
                + (host != null
                        ? host
                        : ctx.req().getLocalAddr() + ":" + ctx.req().getLocalPort());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
