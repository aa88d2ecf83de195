package dev.sluice.source.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.source.Page;
import dev.sluice.source.Unreadable;
import dev.sluice.source.file.FileFormat;
import dev.sluice.source.file.FileSourceConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An open input file at a position: reads pages from there. Kept open between the pages of one
 * run, so reading on costs no seek and no fingerprint; opened afresh (and checked) when a run
 * resumes from a committed position.
 */
final class Cursor implements AutoCloseable {
    /** A page ends at this many bytes of input even before {@code page_size} records: memory stays bounded. */
    static final long PAGE_BYTES = 4L << 20;

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path file;
    private final FileChannel channel;
    private final InputFile.Fingerprint fingerprint;
    private final RecordReader reader;
    private final EntryParser parser;
    private final FileSourceConfig config;

    private Cursor(
            Path file,
            FileChannel channel,
            InputFile.Fingerprint fingerprint,
            RecordReader reader,
            EntryParser parser,
            FileSourceConfig config) {
        this.file = file;
        this.channel = channel;
        this.fingerprint = fingerprint;
        this.reader = reader;
        this.parser = parser;
        this.config = config;
    }

    /** Opens {@code file} at {@code at} (null: its first record), or refuses a file that changed since. */
    static Cursor open(Path file, FilePosition at, FileSourceConfig config, FileRules rules) throws IOException {
        FileChannel channel = InputFile.open(file, rules.pathField());
        try {
            InputFile.Fingerprint now = InputFile.fingerprint(channel, file);
            if (at != null && !at.file().equals(now)) {
                throw rules.changed(file, at, now);
            }
            long offset = startsWithBom(channel) ? BOM.length : 0;
            long line = 1;
            EntryParser parser = JsonLines.INSTANCE;
            if (config.format() == FileFormat.CSV) {
                RecordReader header = reader(channel, offset, line, config);
                RecordReader.Chunk names = header.next();
                parser = names == null ? null : rules.csv(names, file);
                offset = header.offset();
                line = header.line();
            }
            RecordReader reader =
                    reader(channel, at == null ? offset : at.offset(), at == null ? line : at.line(), config);
            return new Cursor(file, channel, now, reader, parser, config);
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }

    /** Whether this cursor stands exactly where {@code at} says, in the same file. */
    boolean continues(Path file, FilePosition at) {
        return at != null
                && this.file.equals(file)
                && at.offset() == reader.offset()
                && at.file().equals(fingerprint);
    }

    Page page(FileRules rules) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        long bytes = 0;
        while (parser != null && records.size() + unreadable.size() < config.pageSize() && bytes < PAGE_BYTES) {
            RecordReader.Chunk chunk = reader.next();
            if (chunk == null) {
                break;
            }
            bytes += chunk.bytes().length;
            entry(chunk, rules, records, unreadable);
        }
        boolean last = parser == null || !reader.hasMore();
        JsonNode next = new FilePosition(reader.offset(), reader.line(), fingerprint).json();
        return new Page(records, next, last, unreadable);
    }

    private void entry(RecordReader.Chunk chunk, FileRules rules, List<JsonNode> records, List<Unreadable> bad) {
        String problem;
        if (chunk.oversized()) {
            problem = chunk.length() + " bytes, more than "
                    + rules.maxBytesField().path() + " = " + config.maxRecordBytes();
        } else if (chunk.unclosed()) {
            problem = "a quoted field is not closed before the end of the file";
        } else {
            try {
                JsonNode record = parser.parse(chunk.bytes());
                problem = rules.keyProblem(record);
                if (problem == null) {
                    records.add(record);
                    return;
                }
            } catch (EntryParser.Bad e) {
                problem = e.getMessage();
            }
        }
        bad.add(new Unreadable(null, payload(chunk), "line " + chunk.line() + ": " + problem));
    }

    /** The record as the file holds it (bytes that are not UTF-8 replaced), for the dead letter. */
    private static JsonNode payload(RecordReader.Chunk chunk) {
        ObjectNode payload = NODES.objectNode();
        payload.put("line", chunk.line());
        payload.put("text", new String(chunk.bytes(), StandardCharsets.UTF_8));
        if (chunk.oversized()) {
            payload.put("bytes", chunk.length());
            payload.put("truncated", true);
        }
        return payload;
    }

    private static RecordReader reader(FileChannel channel, long offset, long line, FileSourceConfig config)
            throws IOException {
        return new RecordReader(
                channel,
                offset,
                line,
                config.maxRecordBytes(),
                config.format() == FileFormat.CSV,
                config.delimiterChar(),
                config.quoteChar());
    }

    private static boolean startsWithBom(FileChannel channel) throws IOException {
        ByteBuffer start = ByteBuffer.allocate(BOM.length);
        channel.read(start, 0);
        return !start.hasRemaining()
                && start.array()[0] == BOM[0]
                && start.array()[1] == BOM[1]
                && start.array()[2] == BOM[2];
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
