package dev.sluice.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.sandbox.Dataset;
import dev.sluice.sandbox.Order;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's orders as a source hands them to the sink: each page serialized to JSON and
 * parsed back with the runner's mapper (amounts as BigDecimal, timestamps as ISO text), so the
 * sink converts exactly what it converts in a real run. Notes include the awkward ones (quotes,
 * tabs, newlines, backslashes, {@code \N}, emoji, empty, null).
 */
public final class OrderPages {
    /**
     * One page.
     *
     * @param read   the page as a source returns it (records, the watermark after it, last or not)
     * @param orders the orders behind the records (the raw COPY encodes these)
     */
    public record Page(dev.sluice.source.Page read, List<Order> orders) {
        public List<JsonNode> records() {
            return read.records();
        }
    }

    private OrderPages() {}

    public static final String PARTITION = "2026-11-01";

    /** {@code records} orders of one partition in pages of {@code pageSize}. */
    public static List<Page> of(int records, int pageSize) {
        List<Order> all = new Dataset(42, records, 0).orders(PARTITION);
        List<Page> pages = new ArrayList<>();
        for (int from = 0; from < all.size(); from += pageSize) {
            List<Order> orders = all.subList(from, Math.min(all.size(), from + pageSize));
            int end = from + orders.size();
            JsonNode next = Json.MAPPER.createObjectNode().put("cursor", "b2Zmc2V0OiA" + end);
            pages.add(new Page(new dev.sluice.source.Page(parse(orders), next, end == all.size()), orders));
        }
        return pages;
    }

    private static List<JsonNode> parse(List<Order> orders) {
        try {
            JsonNode body = Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(Map.of("data", orders)));
            List<JsonNode> records = new ArrayList<>(orders.size());
            body.get("data").forEach(records::add);
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
