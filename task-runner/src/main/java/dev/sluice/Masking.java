package dev.sluice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one masking step: every secret value this process has loaded, in every spelling an API or a
 * text can give it back ({@link SecretForms}), and {@link #mask} for every text that leaves the
 * process or enters a table. The exits call it: stdout ({@code Console}), the log encoders, the
 * database's text arguments, the sink's text and jsonb values, exported spans and
 * {@link SluiceException} messages. Registered: each {@code config.Secret}, basic auth's
 * {@code user:password}, and the value of every environment variable whose name says it is a
 * secret ({@link #isSensitiveName}), wherever the spec substitutes it (e.g. a key in a URL path).
 */
public final class Masking {
    /** What a masked secret shows. */
    public static final String MASK = "****";

    /** Shorter values are not masked: replacing every "abc" would mangle text and hide nothing. */
    static final int MIN_LENGTH = 4;

    /** Parts of variable names that mark a secret: Airflow's default sensitive field names, and "credential". */
    private static final Set<String> SENSITIVE = Set.of(
            "access_token",
            "api_key",
            "apikey",
            "authorization",
            "passphrase",
            "passwd",
            "password",
            "private_key",
            "secret",
            "token",
            "credential");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> FORMS = new LinkedHashSet<>();
    /**
     * The forms grouped by their first {@value #MIN_LENGTH} characters, each group longest first
     * (an encoded form is replaced whole before a shorter one inside it): a text is searched for
     * each prefix once, and for the forms only where a prefix occurs. Most texts hold no secret.
     */
    private static volatile Map<String, List<String>> byPrefix = Map.of();

    private Masking() {}

    /** Remembers a secret value and its encodings; very short values are ignored. */
    public static void register(String value) {
        if (value == null || value.strip().length() < MIN_LENGTH) {
            return;
        }
        synchronized (FORMS) {
            if (FORMS.addAll(SecretForms.of(value))) {
                byPrefix = FORMS.stream()
                        .filter(f -> f.length() >= MIN_LENGTH)
                        .sorted(Comparator.comparingInt(String::length).reversed())
                        .collect(Collectors.groupingBy(
                                f -> f.substring(0, MIN_LENGTH), LinkedHashMap::new, Collectors.toList()));
            }
        }
    }

    /** True when an environment variable of this name holds a secret (TOKEN, API_KEY, DB_PASSWORD...). */
    public static boolean isSensitiveName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SENSITIVE.stream().anyMatch(lower::contains);
    }

    /** The text with every known secret, in any of its forms, replaced by {@value #MASK}. */
    public static String mask(String text) {
        Map<String, List<String>> groups = byPrefix;
        if (text == null || groups.isEmpty()) {
            return text;
        }
        String out = text;
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            if (out.contains(group.getKey())) {
                for (String form : group.getValue()) {
                    out = out.replace(form, MASK);
                }
            }
        }
        return out;
    }

    /**
     * The JSON with every string value, field name and number that holds a secret masked; the
     * same node when none does. Masking the values (rather than the JSON text) keeps the document
     * valid whatever characters the secret has.
     */
    public static JsonNode mask(JsonNode json) {
        return json == null || byPrefix.isEmpty() || !holdsSecret(json) ? json : masked(json);
    }

    private static boolean holdsSecret(JsonNode node) {
        if (node.isContainerNode()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (differs(field.getKey())) {
                    return true;
                }
            }
            for (JsonNode child : node) {
                if (holdsSecret(child)) {
                    return true;
                }
            }
            return false;
        }
        return (node.isTextual() || node.isNumber()) && differs(node.asText());
    }

    private static boolean differs(String text) {
        return !mask(text).equals(text);
    }

    private static JsonNode masked(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            node.properties().forEach(f -> out.set(mask(f.getKey()), masked(f.getValue())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(e -> out.add(masked(e)));
            return out;
        }
        if ((node.isTextual() || node.isNumber()) && differs(node.asText())) {
            return NODES.textNode(mask(node.asText()));
        }
        return node;
    }
}
