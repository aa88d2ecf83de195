package dev.sluice.recordcall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.sluice.Json;
import dev.sluice.config.SpecCheck;
import dev.sluice.partition.Partition;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Templates of a per-record call: {@code {record.<field>}} (nested: {@code {record.address.city}}),
 * {@code {record}} (the whole record), {@code {partition}} and {@code {partition.<name>}}. In a
 * URL, query or header the value is written as text (a sub-object as JSON); in a body, a string
 * that is exactly one variable becomes the value itself, typed, so whole sub-objects can be sent.
 * Braces around anything that is not a variable name stay literal text.
 */
public final class RecordTemplate {
    private static final Pattern VARIABLE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_-]+)*)}");

    private RecordTemplate() {}

    /** A record lacks a field a template uses: the record becomes a dead letter. */
    public static final class MissingFieldException extends RuntimeException {
        public MissingFieldException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reports unknown variables, partition variables the job does not have, and record fields the
     * input is known not to have ({@code fields}, where the input's fields are knowable).
     */
    public static void check(
            String text, Set<String> partitionVariables, Optional<Set<String>> fields, SpecCheck check, String field) {
        if (text == null) {
            return;
        }
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            String rule = problem(m.group(1), partitionVariables, fields);
            if (rule != null) {
                check.fail(field, rule);
            }
        }
    }

    /** {@link #check} over every string of a body template, each reported at its own field. */
    public static void checkBody(
            JsonNode body,
            Set<String> partitionVariables,
            Optional<Set<String>> fields,
            SpecCheck check,
            String field) {
        if (body == null) {
            return;
        }
        if (body.isTextual()) {
            check(body.asText(), partitionVariables, fields, check, field);
        } else if (body.isArray()) {
            for (int i = 0; i < body.size(); i++) {
                checkBody(body.get(i), partitionVariables, fields, check, field + "/" + i);
            }
        } else if (body.isObject()) {
            body.properties()
                    .forEach(e -> checkBody(e.getValue(), partitionVariables, fields, check, field + "/" + e.getKey()));
        }
    }

    private static String problem(String name, Set<String> partitionVariables, Optional<Set<String>> fields) {
        if (name.equals("record") || name.equals("partition")) {
            return null;
        }
        if (name.startsWith("record.")) {
            String top = name.substring("record.".length()).split("\\.", 2)[0];
            if (fields.isPresent() && !fields.get().contains(top)) {
                return "{" + name + "}: the input's records have no field " + top + "; they have "
                        + String.join(", ", new TreeSet<>(fields.get()));
            }
            return null;
        }
        if (name.startsWith("partition.")) {
            String variable = name.substring("partition.".length());
            if (partitionVariables.contains(variable)) {
                return null;
            }
            return "{" + name + "} is not a variable of this job's partitions; use {partition}"
                    + (partitionVariables.isEmpty()
                            ? ""
                            : " or {partition." + String.join("}, {partition.", new TreeSet<>(partitionVariables))
                                    + "}");
        }
        return "{" + name + "} is not a template variable; use {record.<field>}, {record}, {partition} or "
                + "{partition.<name>} (write other braces as they are: only these names are replaced)";
    }

    /** The text with every variable replaced, each value passed through {@code encode}. */
    public static String render(String text, JsonNode record, Partition partition, UnaryOperator<String> encode) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode value = value(m.group(1), record, partition);
            String rendered =
                    value == null ? m.group() : encode.apply(value.isValueNode() ? value.asText() : value.toString());
            m.appendReplacement(out, Matcher.quoteReplacement(rendered));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The body for one record: a string that is exactly one variable becomes its value, typed. */
    public static JsonNode renderBody(JsonNode template, JsonNode record, Partition partition) {
        if (template.isTextual()) {
            Matcher whole = VARIABLE.matcher(template.asText());
            if (whole.matches()) {
                JsonNode value = value(whole.group(1), record, partition);
                return value == null ? template : value.deepCopy();
            }
            return TextNode.valueOf(render(template.asText(), record, partition, UnaryOperator.identity()));
        }
        if (template.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            template.forEach(item -> out.add(renderBody(item, record, partition)));
            return out;
        }
        if (template.isObject()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = template.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), renderBody(e.getValue(), record, partition));
            }
            return out;
        }
        return template;
    }

    /** A variable's value; null for names that are not variables (left as written). */
    private static JsonNode value(String name, JsonNode record, Partition partition) {
        if (name.equals("record")) {
            return record;
        }
        if (name.equals("partition") || name.startsWith("partition.")) {
            String v = partition.variable(name.equals("partition") ? "" : name.substring("partition.".length()));
            return v == null ? null : TextNode.valueOf(v);
        }
        if (!name.startsWith("record.")) {
            return null;
        }
        JsonNode at = record;
        for (String step : name.substring("record.".length()).split("\\.")) {
            at = at == null ? null : at.get(step);
        }
        if (at == null || at.isNull() || at.isMissingNode()) {
            throw new MissingFieldException("the record has no value at {" + name + "}");
        }
        return at;
    }
}
