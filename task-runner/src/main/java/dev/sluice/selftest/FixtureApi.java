package dev.sluice.selftest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The API {@code sluice selftest} loads from, in process (the JDK's HTTP server, loopback only):
 * {@code GET /v1/orders?partition=YYYY-MM-DD&page_size=N[&cursor=C]} with a bearer token, cursor
 * pagination ({@code next_cursor}) over deterministic orders, and one 503 on the first request for
 * the second page, so a selftest run goes through a retry as real runs do.
 */
public final class FixtureApi implements AutoCloseable {
    /** One order as the API serves it. */
    public record Order(String id, BigDecimal amount, String note, String updatedAt) {}

    private final HttpServer server;
    private final String token;
    private final int records;
    private final AtomicInteger failuresLeft = new AtomicInteger(1);
    private final AtomicInteger requests = new AtomicInteger();

    private FixtureApi(String token, int records) throws IOException {
        this.token = token;
        this.records = records;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/orders", this::handle);
        server.start();
    }

    /** Starts the API on a free loopback port; {@code records} orders per partition. */
    public static FixtureApi start(String token, int records) {
        try {
            return new FixtureApi(token, records);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests answered so far (the injected 503 included). */
    public int requests() {
        return requests.get();
    }

    /** The partition's orders, in the order they are served: the ground truth a run must load. */
    public List<Order> orders(String partition) {
        long start = LocalDate.parse(partition).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        return IntStream.range(0, records)
                .mapToObj(i -> new Order(
                        partition + "-" + String.format("%05d", i),
                        BigDecimal.valueOf((i * 7919L) % 100_000, 2),
                        i % 7 == 0 ? null : "order " + i,
                        Instant.ofEpochSecond(start + i * 13L).toString()))
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, "{\"error\":\"missing or wrong bearer token\"}");
                return;
            }
            int offset = query.containsKey("cursor")
                    ? Integer.parseInt(query.get("cursor").substring(1))
                    : 0;
            if (offset > 0 && failuresLeft.getAndDecrement() > 0) {
                exchange.getResponseHeaders().add("Retry-After", "0");
                reply(exchange, 503, "{\"error\":\"injected once: a selftest run retries\"}");
                return;
            }
            reply(exchange, 200, page(query.get("partition"), offset, Integer.parseInt(query.get("page_size"))));
        } catch (RuntimeException e) {
            reply(exchange, 400, "{\"error\":\"bad request\"}");
        }
    }

    private String page(String partition, int offset, int size) {
        List<Order> all = orders(partition);
        int end = Math.min(all.size(), offset + size);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode data = body.putArray("data");
        all.subList(Math.min(offset, end), end).forEach(o -> data.add(Json.MAPPER.valueToTree(o)));
        body.put("next_cursor", end < all.size() ? "o" + end : null);
        return body.toString();
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
