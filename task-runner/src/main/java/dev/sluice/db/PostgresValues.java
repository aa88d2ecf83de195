package dev.sluice.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Masking;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * What PostgreSQL refuses to store, decided here and nowhere else, so that a value from an API is
 * judged before it reaches a statement and never fails the transaction it is part of: text with a
 * NUL or an unpaired UTF-16 surrogate, numbers beyond {@code numeric}'s digits, and index entries
 * beyond a btree page's share. The sink turns such values into dead letters; the dead-letter store
 * spells them out so that the record itself can always be kept.
 */
public final class PostgresValues {
    /** Digits {@code numeric} holds before the decimal point. */
    public static final int NUMERIC_INTEGER_DIGITS = 131_072;

    /** Digits {@code numeric} holds after the decimal point. */
    public static final int NUMERIC_FRACTION_DIGITS = 16_383;

    /**
     * The most bytes the values of one key may take together. PostgreSQL refuses a btree entry over
     * 2 704 bytes (less once compressed, so whether it fits would depend on the content); the margin
     * covers the entry's header and per-column headers and alignment.
     */
    public static final int MAX_KEY_BYTES = 2_000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PostgresValues() {}

    /** Why PostgreSQL cannot store this text (in text or jsonb), or null when it can. */
    public static String textFlaw(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "contains a NUL character (U+0000), which PostgreSQL cannot store";
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return "contains an unpaired UTF-16 surrogate (" + escape(c) + " at character " + (i + 1)
                            + "), which is not Unicode text";
                }
            }
        }
        return null;
    }

    /** Why {@code numeric} cannot hold this number, or null when it can. */
    public static String numericFlaw(BigDecimal number) {
        long integerDigits = (long) number.precision() - number.scale();
        if (number.signum() != 0 && integerDigits > NUMERIC_INTEGER_DIGITS) {
            return "has " + integerDigits + " digits before the decimal point; numeric holds at most "
                    + NUMERIC_INTEGER_DIGITS;
        }
        if (number.scale() > NUMERIC_FRACTION_DIGITS) {
            return "has " + number.scale() + " digits after the decimal point; numeric holds at most "
                    + NUMERIC_FRACTION_DIGITS;
        }
        return null;
    }

    /** Why jsonb cannot hold this JSON (a string or field name or number that does not fit), or null. */
    public static String jsonbFlaw(JsonNode json) {
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(json);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            String flaw = scalarFlaw(node);
            if (flaw != null) {
                return flaw;
            }
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    String keyFlaw = textFlaw(field.getKey());
                    if (keyFlaw != null) {
                        return "a field name " + keyFlaw;
                    }
                    pending.push(field.getValue());
                }
            } else if (node.isArray()) {
                node.forEach(pending::push);
            }
        }
        return null;
    }

    private static String scalarFlaw(JsonNode node) {
        if (node.isTextual()) {
            String flaw = textFlaw(node.textValue());
            return flaw == null ? null : "a string " + flaw;
        }
        if (node.isBigDecimal()) {
            String flaw = numericFlaw(node.decimalValue());
            return flaw == null ? null : "a number " + flaw;
        }
        return null;
    }

    /**
     * JSON text jsonb accepts: the same document, with what it cannot hold spelled out as text and
     * known secrets masked (in the values, so the text stays JSON whatever the secret holds).
     */
    public static String jsonbText(JsonNode document) {
        JsonNode json = Masking.mask(document);
        return jsonbFlaw(json) == null ? json.toString() : storable(json).toString();
    }

    /** Text a text column accepts: NUL and unpaired surrogates spelled out as {@code \\uXXXX}. */
    public static String storableText(String text) {
        if (text == null || textFlaw(text) == null) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else if (c == 0 || Character.isSurrogate(c)) {
                out.append(escape(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static JsonNode storable(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            node.properties().forEach(f -> out.set(storableText(f.getKey()), storable(f.getValue())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(e -> out.add(storable(e)));
            return out;
        }
        if (node.isTextual()) {
            return NODES.textNode(storableText(node.textValue()));
        }
        if (node.isBigDecimal() && numericFlaw(node.decimalValue()) != null) {
            return NODES.textNode(node.decimalValue().toString());
        }
        return node;
    }

    /** UTF-8 bytes of a text, without encoding it. */
    public static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private static String escape(char c) {
        return String.format("\\u%04X", (int) c);
    }
}
