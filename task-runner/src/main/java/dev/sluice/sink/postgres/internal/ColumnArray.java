package dev.sluice.sink.postgres.internal;

import dev.sluice.sink.postgres.ColumnType;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import org.postgresql.util.PGBinaryObject;
import org.postgresql.util.PGobject;

/**
 * One column of a page as an array parameter in PostgreSQL's binary array format, which pgjdbc
 * sends as it is ({@link PGBinaryObject}): {@code text[]} for most column types (cast by
 * PostgreSQL's input functions, as COPY does), {@code timestamptz[]} for timestamps, whose text the
 * sink has already checked and brought to {@code 2026-11-01T10:00:00[.fraction]Z}: microseconds
 * since 2000 cost the runner a few digit reads where {@code timestamptz_in} cost PostgreSQL a tenth
 * of its CPU per row ({@link IsoMicros} rounds as PostgreSQL does). pgjdbc's own
 * {@code createArrayOf} encodes text through a stream, one write per field. Text never holds NUL
 * (the sink refuses it before).
 */
final class ColumnArray extends PGobject implements PGBinaryObject {
    private static final int TEXT_OID = 25;
    private static final int TIMESTAMPTZ_OID = 1184;
    private static final int HEADER = 20; // dimensions, null flag, element type, length, lower bound

    private final List<String[]> rows;
    private final int column;
    private final int elementOid;
    private final byte[][] values;
    private final int length;
    private final boolean hasNull;

    /** Column {@code column} of {@code rows} as the array {@link #sqlType} names; null values stay SQL NULL. */
    ColumnArray(ColumnType type, List<String[]> rows, int column) {
        setType(sqlType(type));
        this.rows = rows;
        this.column = column;
        this.elementOid = type == ColumnType.TIMESTAMPTZ ? TIMESTAMPTZ_OID : TEXT_OID;
        this.values = new byte[rows.size()][];
        int bytes = rows.isEmpty() ? 12 : HEADER;
        boolean nulls = false;
        for (int r = 0; r < values.length; r++) {
            String value = rows.get(r)[column];
            if (value == null) {
                nulls = true;
            } else {
                values[r] = elementOid == TIMESTAMPTZ_OID
                        ? longBytes(IsoMicros.sinceY2k(value))
                        : value.getBytes(StandardCharsets.UTF_8);
                bytes += values[r].length;
            }
            bytes += 4;
        }
        this.length = bytes;
        this.hasNull = nulls;
    }

    /** The array type a column of {@code type} travels as. */
    static String sqlType(ColumnType type) {
        return type == ColumnType.TIMESTAMPTZ ? "timestamptz[]" : "text[]";
    }

    @Override
    public int lengthInBytes() {
        return length;
    }

    @Override
    public void toBytes(byte[] bytes, int offset) {
        int at = putInt(bytes, offset, values.length == 0 ? 0 : 1);
        at = putInt(bytes, at, hasNull ? 1 : 0);
        at = putInt(bytes, at, elementOid);
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
        throw new SQLFeatureNotSupportedException("a page's array parameter is only sent, never read back");
    }

    /** The array literal, for a connection told not to send this type in binary. */
    @Override
    public String getValue() {
        StringBuilder text = new StringBuilder("{");
        for (String[] row : rows) {
            if (text.length() > 1) {
                text.append(',');
            }
            String value = row[column];
            if (value == null) {
                text.append("NULL");
            } else {
                text.append('"')
                        .append(value.replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
        }
        return text.append('}').toString();
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        putInt(bytes, 0, (int) (value >>> 32));
        putInt(bytes, 4, (int) value);
        return bytes;
    }

    private static int putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
        return at + 4;
    }
}
