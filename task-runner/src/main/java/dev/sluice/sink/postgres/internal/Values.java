package dev.sluice.sink.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Masking;
import dev.sluice.db.PostgresValues;
import dev.sluice.sink.postgres.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns JSON values into the text PostgreSQL's COPY reads for a column type, or explains why a
 * value does not fit (which makes the record a dead letter rather than failing the page). Every
 * value PostgreSQL would refuse is refused here first, so a page's transaction never fails on a
 * value: explanations name the value's kind and the rule, never the value itself.
 */
final class Values {
    /** A value that does not fit its column. */
    static final class Unfit extends Exception {
        Unfit(String message) {
            super(message, null, false, false);
        }
    }

    /** Years a timestamptz or date column takes here: ISO-8601's four digits (PostgreSQL refuses year 0). */
    static final int MIN_YEAR = 1;

    static final int MAX_YEAR = 9999;

    private static final String TIMESTAMP_FORM = "an ISO-8601 timestamp with offset (2026-11-01T10:00:00Z)";
    private static final String DATE_FORM = "an ISO date (2026-11-01)";
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+");
    /** More digits than any integer column holds: such a number is refused without being parsed. */
    private static final BigInteger TOO_LARGE = BigInteger.TEN.pow(40);
    /** A number in text with an exponent, or for a double column: parsed only up to this length (as JSON numbers are). */
    private static final int MAX_NUMBER_TEXT = 1000;
    /** A number in text without exponent: its digits are counted and it is passed on as written. */
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("[+-]?(\\d+)(?:\\.(\\d+))?");
    /** Longer text cannot be a timestamp, a date or a UUID. */
    private static final int MAX_SHORT_TEXT = 64;

    private Values() {}

    /** The COPY text of a value, or null for SQL NULL. */
    static String text(ColumnType type, JsonNode value) throws Unfit {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return null;
        }
        return switch (type) {
            case TEXT -> Masking.mask(plainText(value)); // an API's echo of a credential is stored masked
            case BIGINT -> integer(value, Long.MIN_VALUE, Long.MAX_VALUE, type);
            case INTEGER -> integer(value, Integer.MIN_VALUE, Integer.MAX_VALUE, type);
            case NUMERIC -> numeric(value);
            case DOUBLE -> doublePrecision(value);
            case BOOLEAN -> bool(value);
            case TIMESTAMPTZ -> timestamp(value);
            case DATE -> date(value);
            case JSONB -> json(Masking.mask(value));
            case UUID -> uuid(value);
        };
    }

    private static String plainText(JsonNode value) throws Unfit {
        if (value.isContainerNode()) {
            throw new Unfit(kind(value) + " does not fit text (use type: jsonb)");
        }
        String text = value.asText();
        String flaw = PostgresValues.textFlaw(text);
        if (flaw != null) {
            throw new Unfit(kind(value) + " " + flaw);
        }
        return text;
    }

    private static String integer(JsonNode value, long min, long max, ColumnType type) throws Unfit {
        if (value.isIntegralNumber() && value.canConvertToLong()) { // the usual case, without BigInteger
            long n = value.longValue();
            if (n < min || n > max) {
                throw outOfRange(value, min, max, type);
            }
            return Long.toString(n);
        }
        BigInteger n = wholeNumber(value);
        if (n == null) {
            throw new Unfit(kind(value) + " is not a whole number");
        }
        if (n.bitLength() > 63 || n.longValue() < min || n.longValue() > max) {
            throw outOfRange(value, min, max, type);
        }
        return n.toString();
    }

    /** The whole number a value spells, a number too large for any integer column, or null. */
    private static BigInteger wholeNumber(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue();
        }
        if (value.isTextual()) {
            String text = value.textValue().trim();
            if (!WHOLE.matcher(text).matches()) {
                return null;
            }
            return text.length() > 41 ? TOO_LARGE : new BigInteger(text);
        }
        if (!value.isNumber()) {
            return null;
        }
        BigDecimal d = value.decimalValue();
        if (d.signum() == 0) {
            return BigInteger.ZERO;
        }
        if ((long) d.precision() - d.scale() > 40) { // 1e999999999: never expanded to its digits
            return TOO_LARGE;
        }
        BigDecimal stripped = d.stripTrailingZeros();
        return stripped.scale() > 0 ? null : stripped.toBigIntegerExact();
    }

    private static Unfit outOfRange(JsonNode value, long min, long max, ColumnType type) {
        return new Unfit(kind(value) + " is out of range for " + type + " (" + min + " to " + max + ")");
    }

    private static String numeric(JsonNode value) throws Unfit {
        if (value.isTextual()) {
            Matcher plain = PLAIN_DECIMAL.matcher(value.textValue().trim());
            if (plain.matches()) { // digits are counted, not parsed: PostgreSQL reads them in linear time
                return plainDecimal(value, plain);
            }
        }
        BigDecimal d = decimal(value);
        String flaw = PostgresValues.numericFlaw(d);
        if (flaw != null) {
            throw new Unfit(kind(value) + " " + flaw);
        }
        return d.signum() == 0 && d.scale() < 0 ? "0" : d.toPlainString();
    }

    private static String plainDecimal(JsonNode value, Matcher plain) throws Unfit {
        String integer = plain.group(1).replaceFirst("^0+(?=.)", "");
        int fraction = plain.group(2) == null ? 0 : plain.group(2).length();
        if (integer.length() > PostgresValues.NUMERIC_INTEGER_DIGITS) {
            throw new Unfit(kind(value) + " has " + integer.length() + " digits before the decimal point; numeric "
                    + "holds at most " + PostgresValues.NUMERIC_INTEGER_DIGITS);
        }
        if (fraction > PostgresValues.NUMERIC_FRACTION_DIGITS) {
            throw new Unfit(kind(value) + " has " + fraction + " digits after the decimal point; numeric holds at "
                    + "most " + PostgresValues.NUMERIC_FRACTION_DIGITS);
        }
        return plain.group();
    }

    private static String doublePrecision(JsonNode value) throws Unfit {
        BigDecimal d = decimal(value);
        double x = d.doubleValue();
        if (Double.isInfinite(x) || (x == 0 && d.signum() != 0)) {
            throw new Unfit(kind(value) + " is beyond the range of double precision (magnitudes from 4.9e-324 to "
                    + "1.8e308, or 0)");
        }
        return String.valueOf(x);
    }

    private static BigDecimal decimal(JsonNode value) throws Unfit {
        try {
            if (value.isNumber()) {
                return value.decimalValue();
            }
            if (value.isTextual() && value.textValue().length() > MAX_NUMBER_TEXT) {
                throw new Unfit(kind(value) + " is longer than the " + MAX_NUMBER_TEXT + " characters a number "
                        + "may be written with here");
            }
            if (value.isTextual()) {
                return new BigDecimal(value.textValue().trim());
            }
        } catch (NumberFormatException e) {
            // falls through to the explanation
        }
        throw new Unfit(kind(value) + " is not a number (NaN and Infinity are not numbers here)");
    }

    private static String bool(JsonNode value) throws Unfit {
        if (value.isBoolean()) {
            return value.asText();
        }
        String text = value.isTextual() ? value.textValue().trim().toLowerCase() : "";
        if (text.equals("true") || text.equals("false")) {
            return text;
        }
        throw new Unfit(kind(value) + " is not true or false");
    }

    private static String timestamp(JsonNode value) throws Unfit {
        String text = shortText(value, TIMESTAMP_FORM);
        if (IsoInstants.canonical(text)) {
            return text; // 2026-11-01T10:00:00Z or with .fraction: checked, and PostgreSQL reads it as is
        }
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                instant = OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw new Unfit(kind(value) + " is not " + TIMESTAMP_FORM);
            }
        }
        checkYear(value, instant.atOffset(ZoneOffset.UTC).getYear(), "timestamp");
        return instant.toString();
    }

    private static String date(JsonNode value) throws Unfit {
        LocalDate date;
        try {
            date = LocalDate.parse(shortText(value, DATE_FORM));
        } catch (DateTimeParseException e) {
            throw new Unfit(kind(value) + " is not " + DATE_FORM);
        }
        checkYear(value, date.getYear(), "date");
        return date.toString();
    }

    /** The text of a value that must be short text (a timestamp, date or UUID), or why it is not one. */
    private static String shortText(JsonNode value, String expected) throws Unfit {
        if (!value.isTextual() || value.textValue().length() > MAX_SHORT_TEXT) {
            throw new Unfit(kind(value) + " is not " + expected);
        }
        return value.textValue().trim();
    }

    private static void checkYear(JsonNode value, int year, String what) throws Unfit {
        if (year < MIN_YEAR || year > MAX_YEAR) {
            throw new Unfit(kind(value) + " is a " + what + " in year " + year + "; years from 0001 to 9999 are "
                    + "stored (UTC)");
        }
    }

    private static String json(JsonNode value) throws Unfit {
        String flaw = PostgresValues.jsonbFlaw(value);
        if (flaw != null) {
            throw new Unfit(kind(value) + " holds " + flaw + ", which jsonb cannot store");
        }
        return value.toString();
    }

    private static String uuid(JsonNode value) throws Unfit {
        try {
            return java.util.UUID.fromString(shortText(value, "a UUID")).toString();
        } catch (IllegalArgumentException e) {
            throw new Unfit(kind(value) + " is not a UUID");
        }
    }

    /** What a value is, without the value: a dead letter's error describes it, the payload holds it. */
    static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a JSON string of " + value.textValue().length() + " characters";
            case NUMBER -> "a JSON number";
            case BOOLEAN -> "a JSON boolean";
            case OBJECT -> "a JSON object";
            case ARRAY -> "a JSON list";
            default -> "a JSON " + value.getNodeType().toString().toLowerCase();
        };
    }
}
