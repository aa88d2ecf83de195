package dev.sluice.recordcall;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one call costs a limit, in its units, as {@code call.cost} writes it: a sum of whole
 * numbers and record fields, e.g. {@code 1}, {@code "{record.tokens}"} or
 * {@code "{record.prompt_tokens} + {record.max_tokens} + 20"}. The grammar, on purpose no more:
 *
 * <pre>
 * cost  = term *( "+" term )
 * term  = 1*DIGIT / "{record." field *( "." field ) "}"
 * </pre>
 *
 * A field's value must be a whole number from 0 (a JSON integer, or text of digits as a CSV input
 * gives); a record whose cost cannot be computed is not sent and becomes a dead letter.
 *
 * @param constant the sum of the whole numbers
 * @param fields   the record fields summed, as dotted paths below {@code record}
 * @param text     as written
 */
public record CostExpression(long constant, List<String> fields, String text) {
    private static final Pattern TERM =
            Pattern.compile("\\s*(?:(\\d{1,15})|\\{record\\.([A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*)})\\s*");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,15}");

    /** The grammar in one line, for error messages. */
    public static final String FORM = "a sum of whole numbers and record fields, e.g. 1, \"{record.tokens}\" or "
            + "\"{record.prompt_tokens} + {record.max_tokens}\"";

    public CostExpression {
        fields = List.copyOf(fields);
    }

    /**
     * Parses a cost.
     *
     * @throws IllegalArgumentException saying what is wrong and the form, when it is not one
     */
    public static CostExpression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("is empty; write " + FORM);
        }
        long constant = 0;
        List<String> fields = new ArrayList<>();
        for (String part : text.split("\\+", -1)) {
            Matcher m = TERM.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "\"" + part.strip() + "\" is not a whole number or {record.<field>}; " + "write " + FORM
                                + " (only + is supported)");
            }
            if (m.group(1) != null) {
                constant += Long.parseLong(m.group(1)); // at most 15 digits per term: no overflow below 9000 terms
            } else {
                fields.add(m.group(2));
            }
        }
        return new CostExpression(constant, fields, text.strip());
    }

    /** True when the cost is the same for every record (no field). */
    public boolean isConstant() {
        return fields.isEmpty();
    }

    /** The top-level record fields it reads, for {@code sluice validate}. */
    public List<String> topFields() {
        return fields.stream().map(f -> f.split("\\.", 2)[0]).toList();
    }

    /**
     * The cost of one record.
     *
     * @throws RecordTemplate.MissingFieldException when a field is missing, or not a whole number from 0
     */
    public long of(JsonNode record) {
        long sum = constant;
        for (String field : fields) {
            try {
                sum = Math.addExact(sum, units(record, field));
            } catch (ArithmeticException e) {
                throw new RecordTemplate.MissingFieldException("the call's cost overflows at {record." + field + "}");
            }
        }
        return sum;
    }

    private static long units(JsonNode record, String field) {
        JsonNode at = record;
        for (String step : field.split("\\.")) {
            at = at == null ? null : at.get(step);
        }
        if (at == null || at.isNull() || at.isMissingNode()) {
            throw new RecordTemplate.MissingFieldException("the record has no value at {record." + field + "}");
        }
        if (at.isIntegralNumber() && at.canConvertToLong() && at.longValue() >= 0) {
            return at.longValue();
        }
        if (at.isTextual() && DIGITS.matcher(at.asText()).matches()) {
            return Long.parseLong(at.asText());
        }
        throw new RecordTemplate.MissingFieldException("{record." + field + "} is " + kind(at)
                + ", not a whole number from 0, so the call's cost cannot be counted");
    }

    private static String kind(JsonNode value) {
        if (value.isNumber()) {
            return value.isIntegralNumber() ? "a negative or too large number" : "a fraction";
        }
        return value.isTextual()
                ? "text that is not a whole number"
                : "a JSON " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return text;
    }
}
