package dev.sluice.sink.postgres.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * PostgreSQL COPY's CSV: every value quoted (so empty text stays empty text), quotes doubled,
 * SQL NULL as an unquoted empty field. Newlines, commas and backslashes need no escaping inside
 * quotes.
 */
final class Csv {
    private Csv() {}

    static byte[] encode(List<String[]> rows) {
        StringBuilder out = new StringBuilder(rows.size() * 128);
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                if (row[i] != null) {
                    out.append('"');
                    appendEscaped(out, row[i]);
                    out.append('"');
                }
            }
            out.append('\n');
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(out.length() + 16);
        bytes.writeBytes(out.toString().getBytes(StandardCharsets.UTF_8));
        return bytes.toByteArray();
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
