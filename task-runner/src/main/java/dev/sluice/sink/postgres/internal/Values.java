package dev.sluice.sink.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sink.postgres.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Turns JSON values into the text PostgreSQL's COPY reads for a column type, or explains why a
 * value does not fit (which makes the record a dead letter rather than failing the page).
 */
final class Values {
    /** A value that does not fit its column. */
    static final class Unfit extends Exception {
        Unfit(String message) {
            super(message, null, false, false);
        }
    }

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private Values() {}

    /** The COPY text of a value, or null for SQL NULL. */
    static String text(ColumnType type, JsonNode value) throws Unfit {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return null;
        }
        return switch (type) {
            case TEXT -> plainText(value);
            case BIGINT -> integer(value, LONG_MIN, LONG_MAX);
            case INTEGER ->
                integer(value, BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE));
            case NUMERIC -> decimal(value).toPlainString();
            case DOUBLE -> String.valueOf(decimal(value).doubleValue());
            case BOOLEAN -> bool(value);
            case TIMESTAMPTZ -> timestamp(value);
            case DATE -> date(value);
            case JSONB -> json(value);
            case UUID -> uuid(value);
        };
    }

    private static String plainText(JsonNode value) throws Unfit {
        if (value.isContainerNode()) {
            throw new Unfit(
                    "expected text, got a JSON " + (value.isArray() ? "list" : "object") + " (use type: jsonb)");
        }
        return noNul(value.asText());
    }

    private static String integer(JsonNode value, BigInteger min, BigInteger max) throws Unfit {
        if (value.isIntegralNumber() && value.canConvertToLong()) { // the usual case, without BigInteger
            long n = value.longValue();
            if (n < min.longValue() || n > max.longValue()) {
                throw new Unfit("number " + n + " is out of range for the column");
            }
            return Long.toString(n);
        }
        BigInteger n;
        try {
            n = value.isIntegralNumber()
                    ? value.bigIntegerValue()
                    : value.isTextual()
                            ? new BigInteger(value.asText().trim())
                            : value.isNumber() ? value.decimalValue().toBigIntegerExact() : null;
        } catch (NumberFormatException | ArithmeticException e) {
            n = null;
        }
        if (n == null) {
            throw new Unfit("expected a whole number, got " + shown(value));
        }
        if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
            throw new Unfit("number " + n + " is out of range for the column");
        }
        return n.toString();
    }

    private static BigDecimal decimal(JsonNode value) throws Unfit {
        try {
            if (value.isNumber()) {
                return value.decimalValue();
            }
            if (value.isTextual()) {
                return new BigDecimal(value.asText().trim());
            }
        } catch (NumberFormatException e) {
            // falls through to the explanation
        }
        throw new Unfit("expected a number, got " + shown(value));
    }

    private static String bool(JsonNode value) throws Unfit {
        if (value.isBoolean()) {
            return value.asText();
        }
        String text = value.asText().trim().toLowerCase();
        if (text.equals("true") || text.equals("false")) {
            return text;
        }
        throw new Unfit("expected true or false, got " + shown(value));
    }

    private static String timestamp(JsonNode value) throws Unfit {
        String text = value.asText().trim();
        if (IsoInstants.canonical(text)) {
            return text; // 2026-11-01T10:00:00Z or with .fraction: checked, and PostgreSQL reads it as is
        }
        try {
            return Instant.parse(text).toString();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant().toString();
            } catch (DateTimeParseException e2) {
                throw new Unfit(
                        "expected an ISO-8601 timestamp with offset (2026-11-01T10:00:00Z), got " + shown(value));
            }
        }
    }

    private static String date(JsonNode value) throws Unfit {
        try {
            return LocalDate.parse(value.asText().trim()).toString();
        } catch (DateTimeParseException e) {
            throw new Unfit("expected an ISO date (2026-11-01), got " + shown(value));
        }
    }

    private static String json(JsonNode value) throws Unfit {
        String text = value.toString();
        if (text.contains("\\u0000")) {
            throw new Unfit("JSON contains \\u0000, which PostgreSQL's jsonb cannot store");
        }
        return text;
    }

    private static String uuid(JsonNode value) throws Unfit {
        try {
            return java.util.UUID.fromString(value.asText().trim()).toString();
        } catch (IllegalArgumentException e) {
            throw new Unfit("expected a UUID, got " + shown(value));
        }
    }

    private static String noNul(String text) throws Unfit {
        if (text.indexOf('\0') >= 0) {
            throw new Unfit("text contains a NUL character, which PostgreSQL cannot store");
        }
        return text;
    }

    private static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
