package dev.sluice.source.redis;

import dev.sluice.config.Secret;
import dev.sluice.config.SpecCheck;
import dev.sluice.config.SpecField;
import dev.sluice.source.http.Templates;
import dev.sluice.source.redis.internal.RedisTarget;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code input: {type: redis_stream}}: the entries of a Redis stream, in id order. A record is
 * {@code {"id": "<entry id>", "fields": {<field>: <value>, ...}}}, keyed by its entry id.
 *
 * @param url            {@code redis://[user:password@]host[:port][/db]} or {@code rediss://} (TLS);
 *                       a secret as a whole (write the password as {@code ${REDIS_PASSWORD}})
 * @param stream         the stream's key; may use {@code {partition}} and {@code {partition.<name>}}:
 *                       one partition of work is one stream
 * @param pageSize       entries per read ({@code XRANGE ... COUNT}, default 500)
 * @param timeout        the longest one command may wait for its answer (default 5s)
 * @param connectTimeout the longest the connection may take to open (default 5s)
 * @param jsonFields     fields whose values are JSON text, read as JSON (an entry where one is not
 *                       valid JSON, or missing, is a dead letter)
 * @param maxEntryBytes  the largest entry, its field names and values together, in bytes (default
 *                       1 MiB): a larger one is a dead letter with its id and size, and its fields
 *                       never leave the server
 */
public record RedisStreamConfig(
        Secret url,
        String stream,
        Integer pageSize,
        Duration timeout,
        Duration connectTimeout,
        List<String> jsonFields,
        Integer maxEntryBytes) {
    /** The most entries one read may ask for. */
    public static final int MAX_PAGE_SIZE = 10_000;

    /** The largest entry cap: 64 MiB. */
    public static final int MAX_ENTRY_BYTES = 64 << 20;

    /** The longest a timeout may be: a per-record run must end. */
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    public RedisStreamConfig {
        pageSize = pageSize == null ? 500 : pageSize;
        timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        jsonFields = jsonFields == null ? List.of() : List.copyOf(jsonFields);
        maxEntryBytes = maxEntryBytes == null ? 1 << 20 : maxEntryBytes;
    }

    /** Where the fields are written, for messages at run time. */
    public record Fields(SpecField url, SpecField stream, SpecField maxEntryBytes) {}

    /** Checks every rule of this section, reporting all problems; connects to nothing. */
    void check(SpecCheck check, Set<String> partitionVariables) {
        if (url == null || url.isEmpty()) {
            check.failSecret(
                    "url",
                    "is required and must not be empty, e.g. url: redis://:${REDIS_PASSWORD}@redis.internal:6379/0 "
                            + "(rediss:// for TLS), with the variable exported");
        } else {
            RedisTarget.problem(url.reveal()).ifPresent(p -> check.failSecret("url", p));
        }
        if (stream == null || stream.isBlank()) {
            check.fail("stream", "is required: the stream's key, e.g. stream: orders:{partition}");
        } else {
            Templates.check(stream, partitionVariables, check, "stream");
        }
        check.require(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE, "page_size", "must be from 1 to " + MAX_PAGE_SIZE);
        check.require(
                maxEntryBytes >= 1024 && maxEntryBytes <= MAX_ENTRY_BYTES,
                "max_entry_bytes",
                "must be from 1024 to " + MAX_ENTRY_BYTES + " (64 MiB)");
        checkTimeout(check, "timeout", timeout);
        checkTimeout(check, "connect_timeout", connectTimeout);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < jsonFields.size(); i++) {
            String name = jsonFields.get(i);
            check.require(name != null && !name.isBlank(), "json_fields/" + i, "must be a field name");
            check.require(name == null || seen.add(name), "json_fields/" + i, "is listed twice");
        }
    }

    private static void checkTimeout(SpecCheck check, String field, Duration value) {
        check.require(
                value.isPositive() && value.compareTo(MAX_TIMEOUT) <= 0,
                field,
                "must be more than 0s and at most 5m (every read is bounded, and a per-record run must end)");
    }
}
