package dev.sluice.source.redis.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.partition.Partition;
import dev.sluice.source.Page;
import dev.sluice.source.Source;
import dev.sluice.source.SourceUnavailableException;
import dev.sluice.source.Unreadable;
import dev.sluice.source.http.Templates;
import dev.sluice.source.redis.RedisRefusedException;
import dev.sluice.source.redis.RedisStreamConfig;
import dev.sluice.source.redis.RedisStreamProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Reads a stream's entries in id order, as {@code XRANGE (<after> <end> COUNT n} through
 * {@link StreamReads} (a server-side script, so that an entry over {@code max_entry_bytes} never
 * comes over the wire): no consumer group, no acknowledgement, because the position is the
 * watermark that commits with the results.
 * The run ends at the stream's last entry as of its first read ({@code end}): entries added later
 * are the next run's. The position is {@code {"after": "<id of the last entry consumed>"}}.
 *
 * <p>An entry that cannot be read as a record (a {@code json_fields} value that is not JSON, fields
 * over {@code max_entry_bytes}: then only its id and size) is
 * an {@link Unreadable} at the start of a page, never after a record: a page ends before such an
 * entry, so that the next page starts with it. A per-record run commits a page's unreadable entries
 * with its first record, and every commit's watermark is a record's own id ({@link #positionAfter}),
 * so an unreadable entry is behind every watermark that follows it and is never stored twice.
 */
public final class StreamSource implements Source {
    /** Lag is counted up to this many entries; beyond, the summary says at least this many. */
    public static final int LAG_CAP = 100_000;

    private final RedisStreamConfig config;
    private final RedisTarget target;
    private final RedisStreamConfig.Fields fields;
    private final RedisConnection connection;
    private final StreamReads reads;
    private String key;
    private StreamEntryID end;
    private boolean endRead;

    public StreamSource(RedisStreamConfig config, RedisTarget target, RedisStreamConfig.Fields fields) {
        this.config = config;
        this.target = target;
        this.fields = fields;
        this.connection = new RedisConnection(config, target);
        this.reads = new StreamReads(connection);
    }

    @Override
    public Page read(Partition partition, JsonNode position) {
        key = Templates.render(config.stream(), partition);
        StreamEntryID after = after(position);
        return call(() -> page(after));
    }

    private Page page(StreamEntryID after) {
        if (!endRead) {
            end = reads.last(key).map(StreamEntryID::new).orElse(null);
            endRead = true;
        }
        if (end == null || (after != null && after.compareTo(end) >= 0)) {
            return new Page(List.of(), position(after), true);
        }
        StreamReads.Entries read = reads.page(
                key, after == null ? "-" : "(" + after, end.toString(), config.pageSize(), config.maxEntryBytes());
        List<JsonNode> records = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        StreamEntryID taken = after;
        boolean cut = false;
        for (StreamReads.Entry entry : read.entries()) {
            Entry one = entry(entry);
            if (one.unreadable() != null && !records.isEmpty()) {
                cut = true; // the next page starts with it
                break;
            }
            if (one.unreadable() != null) {
                unreadable.add(one.unreadable());
            } else {
                records.add(one.record());
            }
            taken = new StreamEntryID(entry.id());
        }
        boolean last = !cut && (!read.more() || end.equals(taken));
        return new Page(records, position(taken), last, unreadable);
    }

    private record Entry(ObjectNode record, Unreadable unreadable) {}

    private Entry entry(StreamReads.Entry entry) {
        if (entry.oversized()) {
            return new Entry(null, oversized(entry));
        }
        ObjectNode record = Json.MAPPER.createObjectNode();
        record.put(RedisStreamProvider.KEY, entry.id());
        ObjectNode values = record.putObject("fields");
        entry.fields().forEach(values::put);
        for (String field : config.jsonFields()) {
            String text = entry.fields().get(field);
            String error = text == null ? "has no field " + field : null;
            if (text != null) {
                try {
                    values.set(field, Json.MAPPER.readTree(text));
                } catch (JacksonException e) {
                    error = "field " + field + " is not valid JSON (" + e.getOriginalMessage() + ")";
                }
            }
            if (error != null) {
                return new Entry(
                        null,
                        new Unreadable(
                                entry.id(),
                                raw(entry),
                                where(entry) + error + " (input.json_fields); it is kept as a dead letter"));
            }
        }
        return new Entry(record, null);
    }

    /** Only the id and size came over the wire: the dead letter says so and holds no field. */
    private Unreadable oversized(StreamReads.Entry entry) {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put(RedisStreamProvider.KEY, entry.id());
        payload.put("bytes", entry.oversize());
        return new Unreadable(
                entry.id(),
                payload,
                where(entry) + "its fields hold " + entry.oversize() + " bytes, more than "
                        + fields.maxEntryBytes().path()
                        + " = " + config.maxEntryBytes() + "; it is kept as a dead letter with its id and size only "
                        + "(the fields were not read; the stream still holds them until trimmed)");
    }

    private static JsonNode raw(StreamReads.Entry entry) {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put(RedisStreamProvider.KEY, entry.id());
        ObjectNode values = payload.putObject("fields");
        entry.fields().forEach(values::put);
        return payload;
    }

    private String where(StreamReads.Entry entry) {
        return "stream " + key + " entry " + entry.id() + ": ";
    }

    @Override
    public Optional<JsonNode> positionAfter(Page page, int index) {
        return Optional.of(position(new StreamEntryID(
                page.records().get(index).get(RedisStreamProvider.KEY).asText())));
    }

    /** A stream grows: a completed partition's next run continues after its last entry. */
    @Override
    public Optional<JsonNode> nextPass(JsonNode finalPosition) {
        return Optional.of(finalPosition);
    }

    /**
     * Entries after {@code position}: the stream's length when the position is before its first
     * entry ({@code XLEN}), else counted with {@code XRANGE} on the server up to {@link #LAG_CAP}. Empty
     * when the stream cannot be asked (the run's failure already says why).
     */
    @Override
    public OptionalLong lag(JsonNode position) {
        if (key == null || connection.broken()) {
            return OptionalLong.empty();
        }
        try {
            StreamEntryID after = after(position);
            StreamReads.Head head = reads.head(key);
            if (head.length() == 0 || head.first().isEmpty()) {
                return OptionalLong.of(0);
            }
            if (after == null || after.compareTo(new StreamEntryID(head.first().get())) < 0) {
                return OptionalLong.of(head.length());
            }
            return OptionalLong.of(reads.countAfter(key, after.toString(), LAG_CAP));
        } catch (RuntimeException e) { // JedisException included: the lag is then unknown
            return OptionalLong.empty();
        }
    }

    private StreamEntryID after(JsonNode position) {
        JsonNode after = position == null ? null : position.get("after");
        if (after == null || after.isNull()) {
            return null;
        }
        try {
            return new StreamEntryID(after.asText());
        } catch (RuntimeException e) {
            throw new RedisRefusedException("the partition's watermark " + position + " is not a position in stream "
                    + key + " (" + fields.stream() + "); was the job's input changed? Reset the partition "
                    + "(sluice reset) to read the stream from its start");
        }
    }

    private static JsonNode position(StreamEntryID id) {
        ObjectNode position = Json.MAPPER.createObjectNode();
        if (id == null) {
            position.putNull("after");
        } else {
            position.put("after", id.toString());
        }
        return position;
    }

    /** Runs one exchange with Redis, translating its failures into the runner's outcomes. */
    private <T> T call(Supplier<T> exchange) {
        try {
            return exchange.get();
        } catch (JedisConnectionException e) {
            connection.reset();
            throw new SourceUnavailableException(
                    "input: Redis at " + target.where() + " cannot be read (" + e.getMessage() + "); the stream " + key
                            + " is read again from the committed position on the next attempt");
        } catch (JedisDataException e) {
            throw new RedisRefusedException(refusal(e.getMessage() == null ? "" : e.getMessage()));
        }
    }

    private String refusal(String message) {
        if (message.startsWith("WRONGPASS")
                || message.startsWith("NOAUTH")
                || message.contains("NOPERM")
                || message.contains("can't run this command")) {
            return "input.url (" + fields.url().place() + "): Redis at " + target.where() + " refused: " + message
                    + "; check the user and password in the URL (and the user's ACL: it needs EVALSHA and EVAL, "
                    + "and XRANGE, XREVRANGE and XLEN on the stream, e.g. +evalsha +eval +xrange +xrevrange +xlen)";
        }
        if (message.contains("WRONGTYPE")) {
            return "input.stream (" + fields.stream().place() + "): the key " + key + " at " + target.where()
                    + " holds no stream (" + message + "); name a stream's key";
        }
        if (message.startsWith("ERR unknown command")) {
            return "input.url (" + fields.url().place() + "): Redis at " + target.where() + " refuses Lua scripts ("
                    + message + "); Sluice reads a stream through a read-only script (EVALSHA) so that an entry over "
                    + "input.max_entry_bytes never crosses the wire: enable EVAL and EVALSHA on that server";
        }
        return "input (" + fields.stream().place() + "): Redis at " + target.where() + " refused a read of stream "
                + key + ": " + message;
    }

    @Override
    public void close() {
        connection.close();
    }
}
