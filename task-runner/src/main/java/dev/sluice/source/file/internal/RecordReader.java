package dev.sluice.source.file.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Splits a file into records at the byte level, so that every record has an exact byte offset (the
 * position a resumed run seeks to) and no record takes more memory than the cap: JSON Lines at each
 * line break; CSV at each line break outside a quoted field, with RFC 4180's quoting (a quote opens
 * a quoted field only at a field's start, and is doubled inside it). Splitting bytes is safe for
 * UTF-8: the delimiter, quote and line break are ASCII, and no byte of a multi-byte character is.
 * Blank lines are skipped; one {@code \r} before a line break is dropped.
 */
final class RecordReader {
    /** Bytes of an oversized record kept for its dead letter. */
    static final int EXCERPT = 1024;

    private static final int BUFFER = 64 * 1024;
    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3;

    /**
     * One record.
     *
     * @param bytes     its bytes without the line break (only the first {@value #EXCERPT} when oversized)
     * @param line      the line it starts on (1-based)
     * @param length    its length in bytes
     * @param oversized longer than the cap
     * @param unclosed  CSV: the file ended inside a quoted field
     */
    record Chunk(byte[] bytes, long line, long length, boolean oversized, boolean unclosed) {}

    private final FileChannel channel;
    private final int maxBytes;
    private final boolean csv;
    private final byte delimiter;
    private final byte quote;
    private final byte[] buffer = new byte[BUFFER];
    private int at;
    private int limit;
    private boolean eof;
    private long scanned;
    private long scannedLine;
    private long consumed;
    private long consumedLine;
    private Chunk pending;
    private long pendingEnd;
    private long pendingEndLine;

    /**
     * @param offset where to start (the start of a record)
     * @param line   the line number there
     * @param csv    split CSV records (else lines)
     */
    RecordReader(FileChannel channel, long offset, long line, int maxBytes, boolean csv, char delimiter, char quote)
            throws IOException {
        this.channel = channel.position(offset);
        this.maxBytes = maxBytes;
        this.csv = csv;
        this.delimiter = (byte) delimiter;
        this.quote = (byte) quote;
        this.scanned = offset;
        this.consumed = offset;
        this.scannedLine = line;
        this.consumedLine = line;
    }

    /** The offset after the last record {@link #next} returned: where the next read starts. */
    long offset() {
        return consumed;
    }

    /** The line number at {@link #offset()}. */
    long line() {
        return consumedLine;
    }

    /** The next record, or null at the end of the file. */
    Chunk next() throws IOException {
        if (!hasMore()) {
            return null;
        }
        Chunk chunk = pending;
        pending = null;
        consumed = pendingEnd;
        consumedLine = pendingEndLine;
        return chunk;
    }

    /** Whether another record follows (reads it ahead). */
    boolean hasMore() throws IOException {
        while (pending == null) {
            Chunk chunk = scan();
            if (chunk == null) {
                return false;
            }
            if (!blank(chunk)) {
                pending = chunk;
                pendingEnd = scanned;
                pendingEndLine = scannedLine;
            }
        }
        return true;
    }

    private Chunk scan() throws IOException {
        Accumulator bytes = new Accumulator(maxBytes);
        long startLine = scannedLine;
        int state = FIELD_START;
        while (true) {
            if (at == limit && !fill()) {
                return bytes.length == 0 ? null : bytes.chunk(startLine, csv && state == QUOTED);
            }
            int from = at;
            while (at < limit) {
                byte b = buffer[at++];
                if (b == '\n') {
                    scannedLine++;
                    if (!csv || state != QUOTED) {
                        bytes.add(buffer, from, at - 1 - from);
                        scanned += at - from;
                        return bytes.chunk(startLine, false);
                    }
                } else if (csv) {
                    state = next(state, b);
                }
            }
            bytes.add(buffer, from, at - from);
            scanned += at - from;
        }
    }

    private int next(int state, byte b) {
        return switch (state) {
            case FIELD_START -> b == quote ? QUOTED : b == delimiter ? FIELD_START : UNQUOTED;
            case UNQUOTED -> b == delimiter ? FIELD_START : UNQUOTED;
            case QUOTED -> b == quote ? QUOTE_IN_QUOTED : QUOTED;
            default -> b == quote ? QUOTED : b == delimiter ? FIELD_START : UNQUOTED;
        };
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int read = channel.read(ByteBuffer.wrap(buffer));
        if (read <= 0) {
            eof = true;
            return false;
        }
        at = 0;
        limit = read;
        return true;
    }

    private static boolean blank(Chunk chunk) {
        if (chunk.oversized()) {
            return false;
        }
        for (byte b : chunk.bytes()) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** A record's bytes, growing up to the cap; beyond it only the length is counted. */
    private static final class Accumulator {
        private final int cap;
        private byte[] bytes = new byte[256];
        private int kept;
        private long length;

        Accumulator(int cap) {
            this.cap = cap;
        }

        void add(byte[] from, int offset, int count) {
            length += count;
            int keep = length > cap ? EXCERPT : cap; // once over the cap, only the excerpt stays
            kept = Math.min(kept, keep);
            int room = Math.min(count, keep - kept);
            if (room > 0) {
                if (kept + room > bytes.length) {
                    bytes = Arrays.copyOf(bytes, Math.max(kept + room, Math.min(cap, bytes.length * 2)));
                }
                System.arraycopy(from, offset, bytes, kept, room);
                kept += room;
            }
        }

        Chunk chunk(long line, boolean unclosed) {
            boolean oversized = length > cap;
            int end = !oversized && kept > 0 && bytes[kept - 1] == '\r' ? kept - 1 : kept;
            return new Chunk(Arrays.copyOf(bytes, end), line, length, oversized, unclosed);
        }
    }
}
