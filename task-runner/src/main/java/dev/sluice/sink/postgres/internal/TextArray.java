package dev.sluice.sink.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import org.postgresql.util.PGBinaryObject;
import org.postgresql.util.PGobject;

/**
 * One column of a page as a {@code text[]} parameter in PostgreSQL's binary array format, which
 * pgjdbc sends as it is ({@link PGBinaryObject}). pgjdbc's own {@code createArrayOf} encodes the
 * same bytes through a stream, one write per field: about a sixth of the runner's CPU per page.
 * Values are encoded once, here; text never holds NUL (the sink refuses it before).
 */
final class TextArray extends PGobject implements PGBinaryObject {
    private static final int TEXT_OID = 25;
    private static final int HEADER = 20; // dimensions, null flag, element type, length, lower bound

    private final byte[][] values;
    private final int length;
    private final boolean hasNull;

    /** Column {@code column} of {@code rows}; null values stay SQL NULL. */
    TextArray(java.util.List<String[]> rows, int column) {
        setType("text[]");
        this.values = new byte[rows.size()][];
        int bytes = rows.isEmpty() ? 12 : HEADER;
        boolean nulls = false;
        for (int r = 0; r < values.length; r++) {
            String value = rows.get(r)[column];
            if (value == null) {
                nulls = true;
            } else {
                values[r] = value.getBytes(StandardCharsets.UTF_8);
                bytes += values[r].length;
            }
            bytes += 4;
        }
        this.length = bytes;
        this.hasNull = nulls;
    }

    @Override
    public int lengthInBytes() {
        return length;
    }

    @Override
    public void toBytes(byte[] bytes, int offset) {
        int at = putInt(bytes, offset, values.length == 0 ? 0 : 1);
        at = putInt(bytes, at, hasNull ? 1 : 0);
        at = putInt(bytes, at, TEXT_OID);
        if (values.length == 0) {
            return;
        }
        at = putInt(bytes, at, values.length);
        at = putInt(bytes, at, 1);
        for (byte[] value : values) {
            if (value == null) {
                at = putInt(bytes, at, -1);
            } else {
                at = putInt(bytes, at, value.length);
                System.arraycopy(value, 0, bytes, at, value.length);
                at += value.length;
            }
        }
    }

    @Override
    public void setByteValue(byte[] value, int offset) throws SQLException {
        throw new SQLFeatureNotSupportedException("a page's text[] parameter is only sent, never read back");
    }

    @Override
    public String getValue() {
        StringBuilder text = new StringBuilder("{");
        for (byte[] value : values) {
            if (text.length() > 1) {
                text.append(',');
            }
            if (value == null) {
                text.append("NULL");
            } else {
                String s = new String(value, StandardCharsets.UTF_8);
                text.append('"')
                        .append(s.replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
        }
        return text.append('}').toString();
    }

    private static int putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
        return at + 4;
    }
}
