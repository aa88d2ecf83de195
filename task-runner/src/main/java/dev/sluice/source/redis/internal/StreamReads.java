package dev.sluice.source.redis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Every read of a stream, through one Lua script on the server ({@code redis/stream-read.lua}), so
 * that the size bound holds on the wire: Jedis reads a reply whole, and {@code XRANGE},
 * {@code XREVRANGE} and {@code XINFO STREAM} would send a 500 MB entry whole. The script sends an
 * oversized entry's id and size instead of its fields, a page only up to a byte budget, and ids or
 * counts where the runner needs no fields. It runs with {@code EVALSHA} ({@code EVAL} once per
 * server, when the script is not cached yet: no {@code SCRIPT LOAD} permission is needed).
 */
final class StreamReads {
    /** A page stops adding entries once they hold this many bytes (at least one entry comes). */
    static final long PAGE_BYTES = 4L << 20;

    private static final String SCRIPT = script();
    private static final String SHA = sha1(SCRIPT);

    /** An entry as read: its fields, or only its size when they are over the cap. */
    record Entry(String id, Map<String, String> fields, long oversize) {
        boolean oversized() {
            return fields == null;
        }
    }

    /** A page of entries; {@code more} when the read stopped at its count or byte budget, not the range's end. */
    record Entries(List<Entry> entries, boolean more) {}

    private final RedisConnection connection;

    StreamReads(RedisConnection connection) {
        this.connection = connection;
    }

    /** The entries from {@code start} to {@code end} (XRANGE syntax), at most {@code count}. */
    Entries page(String key, String start, String end, int count, int cap) {
        List<?> reply = (List<?>)
                run(key, "page", start, end, String.valueOf(count), String.valueOf(cap), String.valueOf(PAGE_BYTES));
        List<Entry> entries = new ArrayList<>();
        for (Object item : (List<?>) reply.get(1)) {
            entries.add(entry((List<?>) item));
        }
        return new Entries(entries, ((Long) reply.get(0)) != 0);
    }

    /** The stream's last entry id; empty for an empty or missing stream. */
    Optional<String> last(String key) {
        return Optional.ofNullable((String) run(key, "last"));
    }

    /** The stream's length and its first entry's id (empty for an empty or missing stream). */
    record Head(long length, Optional<String> first) {}

    Head head(String key) {
        List<?> reply = (List<?>) run(key, "head");
        return new Head((Long) reply.get(0), reply.size() > 1 ? Optional.of((String) reply.get(1)) : Optional.empty());
    }

    /** The entries after {@code id}, counted up to {@code cap}. */
    long countAfter(String key, String id, int cap) {
        return (Long) run(key, "count", id, String.valueOf(cap));
    }

    private static Entry entry(List<?> item) {
        String id = (String) item.get(0);
        if (item.get(1) instanceof Long size) {
            return new Entry(id, null, size);
        }
        List<?> flat = (List<?>) item.get(1);
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return new Entry(id, fields, 0);
    }

    private Object run(String key, String... args) {
        Jedis jedis = connection.jedis();
        List<String> keys = List.of(key);
        List<String> argv = List.of(args);
        try {
            return jedis.evalsha(SHA, keys, argv);
        } catch (JedisNoScriptException e) {
            return jedis.eval(SCRIPT, keys, argv); // caches it on the server for the next EVALSHA
        }
    }

    private static String script() {
        try (InputStream in = StreamReads.class.getResourceAsStream("/redis/stream-read.lua")) {
            if (in == null) {
                throw new IllegalStateException("redis/stream-read.lua is missing from the runner's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
