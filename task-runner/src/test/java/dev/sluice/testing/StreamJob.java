package dev.sluice.testing;

import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.sandbox.Sandbox;
import dev.sluice.sandbox.SandboxConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

/**
 * A per-record job over a Redis stream, end to end: a real redis-server with a password, the
 * sandbox's per-record API in this JVM (ground truth: effects applied per customer id), a fresh
 * database, and a spec that POSTs each entry's customer (a JSON field) to
 * {@code /v1/customers/{id}/enrichment} and maps the answer into a table keyed by entry id.
 */
public final class StreamJob implements RecordPartitionJob {
    public static final String PARTITION = "eu";
    public static final String STREAM = "customers:eu";
    public static final String TABLE = "stream_profiles";
    /** The Redis password: it must appear in no output or table. */
    public static final String PASSWORD = "redis-pass-7f3a9c21e5";

    private final RedisServer redis;
    private final Sandbox sandbox;
    private final InputJob input;

    private StreamJob(RedisServer redis, Sandbox sandbox, InputJob input) {
        this.redis = redis;
        this.sandbox = sandbox;
        this.input = input;
    }

    /** A job against a fresh redis-server and a sandbox with {@code config}; skips without redis-server. */
    public static StreamJob start(String name, RecordsConfig config) {
        Path binary = RedisServer.require(name);
        RedisServer redis = RedisServer.start(binary, PASSWORD);
        Sandbox sandbox = Sandbox.start(
                SandboxConfig.defaults().withToken(JobFixture.TOKEN).withRecords(config));
        return new StreamJob(redis, sandbox, InputJob.start(name));
    }

    /** Adds customers {@code from..to} (1-based, inclusive) to the stream; returns their entry ids. */
    public List<String> add(int from, int to) {
        List<String> ids = new ArrayList<>();
        try (Jedis jedis = redis.client()) {
            for (int i = from; i <= to; i++) {
                ids.add(jedis.xadd(STREAM, StreamEntryID.NEW_ENTRY, entry(i)).toString());
            }
        }
        return ids;
    }

    /** Adds one entry with the given fields as they are. */
    public String addRaw(Map<String, String> fields) {
        try (Jedis jedis = redis.client()) {
            return jedis.xadd(STREAM, StreamEntryID.NEW_ENTRY, fields).toString();
        }
    }

    private static Map<String, String> entry(int i) {
        return Map.of(
                "customer",
                "{\"id\": \"" + RecordJob.id(i) + "\", \"name\": \"Customer " + i + "\", \"address\": {\"city\": "
                        + "\"Lyon\"}}",
                "source",
                "shop");
    }

    /**
     * The spec, with {@code url} as the input's URL ({@link #url()} unless a test breaks it) and
     * extra top-level sections.
     */
    public Path spec(int concurrency, String url, String topExtra) {
        return input.write("stream.yaml", """
                job: stream_enrich
                partitions: {type: list, values: [eu, us]}
                input:
                  type: redis_stream
                  url: "%s"
                  stream: "customers:{partition}"
                  page_size: 100
                  timeout: 2s
                  connect_timeout: 2s
                  json_fields: [customer]
                call:
                  method: POST
                  url: %s/v1/customers/{record.fields.customer.id}/enrichment
                  auth: {type: bearer, token: "${SHOP_API_TOKEN}"}
                  body: {customer: "{record.fields.customer}", entry: "{record.id}", day: "{partition}"}
                  concurrency: %d
                  timeout: 10s
                sink:
                  type: postgres
                  table: %s
                  key: [entry_id]
                  columns:
                    entry_id: {path: $.record.id}
                    customer_id: {path: $.record.fields.customer.id}
                    segment: {path: $.response.segment, required: true}
                    score: {path: $.response.score, type: double, required: true}
                    trace_id: {path: $.call.trace_id}
                runner: {lease_ttl: 3s}
                retry: {max_attempts: 8}
                %s
                """.formatted(url, sandbox.baseUrl(), concurrency, TABLE, topExtra));
    }

    /** The input URL as a user writes it: the password from the environment. */
    public String url() {
        return "redis://:${REDIS_PASSWORD}@127.0.0.1:" + redis.port() + "/0";
    }

    public RedisServer redis() {
        return redis;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public InputJob input() {
        return input;
    }

    @Override
    public String partition() {
        return PARTITION;
    }

    /** The environment every run gets: the sandbox's token and the Redis password. */
    @Override
    public String[] env() {
        return new String[] {"SHOP_API_TOKEN", JobFixture.TOKEN, "REDIS_PASSWORD", PASSWORD};
    }

    @Override
    public void close() {
        input.close();
        sandbox.close();
        redis.close();
    }
}
