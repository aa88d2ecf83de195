package dev.sluice.sink.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * PostgreSQL COPY's CSV: every value quoted (so empty text stays empty text), quotes doubled,
 * SQL NULL as an unquoted empty field. Newlines, commas and backslashes need no escaping inside
 * quotes.
 */
final class Csv {
    private Csv() {}

    /** Each row followed by the same trailing values (partition, epoch, trace id). */
    static byte[] encode(List<String[]> rows, String[] trailing) {
        StringBuilder out = new StringBuilder(rows.size() * 160);
        for (String[] row : rows) {
            appendRow(out, row, trailing);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One CSV line: the row's values, then the trailing ones. */
    static void appendRow(StringBuilder out, String[] row, String[] trailing) {
        for (int i = 0; i < row.length; i++) {
            field(out, i, row[i]);
        }
        for (int i = 0; i < trailing.length; i++) {
            field(out, row.length + i, trailing[i]);
        }
        out.append('\n');
    }

    private static void field(StringBuilder out, int index, String value) {
        if (index > 0) {
            out.append(',');
        }
        if (value != null) {
            out.append('"');
            appendEscaped(out, value);
            out.append('"');
        }
    }

    private static void appendEscaped(StringBuilder out, String value) {
        if (value.indexOf('"') < 0) {
            out.append(value);
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
    }
}
