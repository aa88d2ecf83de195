package dev.sluice.source.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV records (RFC 4180) as JSON objects keyed by the header's names. Every value is text, as CSV
 * has no types (a sink column's type converts it); as in PostgreSQL's {@code COPY ... CSV}, an
 * empty unquoted field is null and {@code ""} is the empty string. A quote opens a quoted field only
 * at a field's start (elsewhere it is a character like any other); inside, it is doubled. This is
 * the same quoting {@link RecordReader} splits records by, so both agree on where fields end.
 */
final class CsvRecords implements EntryParser {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<String> header;
    private final char delimiter;
    private final char quote;

    CsvRecords(List<String> header, char delimiter, char quote) {
        this.header = List.copyOf(header);
        this.delimiter = delimiter;
        this.quote = quote;
    }

    List<String> header() {
        return header;
    }

    @Override
    public JsonNode parse(byte[] bytes) throws Bad {
        List<String> values = fields(decode(bytes));
        if (values.size() != header.size()) {
            throw new Bad(values.size() + (values.size() == 1 ? " field" : " fields") + " where the header has "
                    + header.size());
        }
        ObjectNode record = NODES.objectNode();
        for (int i = 0; i < values.size(); i++) {
            record.set(header.get(i), values.get(i) == null ? NODES.nullNode() : NODES.textNode(values.get(i)));
        }
        return record;
    }

    /** The fields of one record: null for an empty unquoted field. */
    List<String> fields(String text) throws Bad {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean closed = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && !closed) {
                if (c != quote) {
                    field.append(c);
                } else if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    field.append(quote);
                    i++;
                } else {
                    closed = true;
                }
            } else if (c == delimiter) {
                out.add(quoted || !field.isEmpty() ? field.toString() : null);
                field.setLength(0);
                quoted = false;
                closed = false;
            } else if (closed) {
                throw new Bad("a quoted field is followed by " + shown(c) + " before the next delimiter (field "
                        + (out.size() + 1) + ")");
            } else if (c == quote && field.isEmpty()) {
                quoted = true;
            } else {
                field.append(c);
            }
        }
        if (quoted && !closed) {
            throw new Bad("a quoted field is not closed (field " + (out.size() + 1) + ")");
        }
        out.add(quoted || !field.isEmpty() ? field.toString() : null);
        return out;
    }

    static String decode(byte[] bytes) throws Bad {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Bad("not UTF-8 text");
        }
    }

    private static String shown(char c) {
        return c < 0x20 || c == 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
}
