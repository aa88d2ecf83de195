package dev.sluice.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Binds parts of a {@link SpecDocument} to configuration records (snake_case fields, unknown
 * fields rejected), turning failures into {@link SpecProblem}s that name the field, the line and
 * the rule. The one place where spec YAML becomes typed configuration. Sluice's own sections go
 * through {@link TreeBinder} (no databind introspection at every start); any other type, such as a
 * plugin's configuration, through Jackson with the same rules and messages.
 */
public final class SpecBinder {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(
                    LogicalType.Textual,
                    c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert)
                            .setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert)
                            .setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert))
            .addModule(new SimpleModule("sluice-spec")
                    .addDeserializer(Duration.class, new DurationDeserializer())
                    .addDeserializer(ByteSize.class, new ByteSizeDeserializer())
                    .addDeserializer(Secret.class, new SecretDeserializer()))
            .build();

    private final SpecDocument document;

    public SpecBinder(SpecDocument document) {
        this.document = document;
    }

    public SpecDocument document() {
        return document;
    }

    /**
     * Binds the subtree at {@code pointer} to {@code type}.
     *
     * @throws JobSpecException naming the field, line and rule when the subtree does not fit
     */
    public <T> T bind(String pointer, Class<T> type) {
        return bind(pointer, document.at(pointer), type);
    }

    /** Binds the subtree at {@code pointer} without some of its fields (e.g. a provider's {@code type}). */
    public <T> T bindWithout(String pointer, Class<T> type, String... fields) {
        JsonNode node = document.at(pointer);
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            node = object.deepCopy().remove(java.util.List.of(fields));
        }
        return bind(pointer, node, type);
    }

    private <T> T bind(String pointer, JsonNode node, Class<T> type) {
        if (TreeBinder.handles(type)) {
            try {
                return type.cast(TreeBinder.bind(node.isMissingNode() ? null : node, type));
            } catch (TreeBinder.Failure f) {
                throw new JobSpecException(document.file(), List.of(problem(pointer, f)));
            }
        }
        return bindWithJackson(pointer, node, type);
    }

    /** Jackson's binding: for types {@link TreeBinder} does not handle (a plugin's), and as its reference in tests. */
    <T> T bindWithJackson(String pointer, JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node.isMissingNode() ? null : node, type);
        } catch (JsonMappingException e) {
            throw new JobSpecException(document.file(), List.of(problem(pointer, e)));
        } catch (IOException e) {
            throw new JobSpecException(
                    document.file(),
                    List.of(new SpecProblem(
                            SpecDocument.dotted(pointer), document.place(pointer), null, e.getMessage())));
        }
    }

    private SpecProblem problem(String base, JsonMappingException e) {
        String pointer = base + pointerOf(e.getPath());
        String path = SpecDocument.dotted(pointer);
        String place = document.place(pointer);
        return switch (e) {
            case SecretFlaw f -> new SpecProblem(path, place, null, SpecCheck.secretRule(document, pointer, f.flaw));
            case UnrecognizedPropertyException u ->
                new SpecProblem(
                        path,
                        place,
                        null,
                        "unknown field" + suggestion(u.getPropertyName(), u.getKnownPropertyIds())
                                + "; known fields here: " + known(u.getKnownPropertyIds()));
            case InvalidFormatException f
            when f.getTargetType() == Duration.class || f.getTargetType() == ByteSize.class ->
                // Durations.parse names the rule broken (form, unit order, upper bound).
                new SpecProblem(path, place, shown(pointer, Duration.class), f.getOriginalMessage());
            case InvalidFormatException f ->
                new SpecProblem(
                        path, place, shown(pointer, f.getTargetType()), "expected " + describe(f.getTargetType()));
            case ValueInstantiationException v ->
                new SpecProblem(path, place, document.writtenAt(pointer), rootMessage(v));
            case MismatchedInputException m
            when m.getTargetType() != null && document.at(pointer).isMissingNode() ->
                new SpecProblem(path, place, null, "is required");
            case MismatchedInputException m ->
                new SpecProblem(
                        path, place, shown(pointer, m.getTargetType()), "expected " + describe(m.getTargetType()));
            default -> new SpecProblem(path, place, null, rootMessage(e));
        };
    }

    private SpecProblem problem(String base, TreeBinder.Failure f) {
        String pointer = base + f.pointer;
        String path = SpecDocument.dotted(pointer);
        String place = document.place(pointer);
        return switch (f.kind) {
            case SECRET_FLAW ->
                new SpecProblem(path, place, null, SpecCheck.secretRule(document, pointer, f.getMessage()));
            case UNKNOWN_FIELD ->
                new SpecProblem(
                        path,
                        place,
                        null,
                        "unknown field" + suggestion(f.field, f.known) + "; known fields here: " + known(f.known));
            case BAD_FORMAT -> new SpecProblem(path, place, shown(pointer, Duration.class), f.getMessage());
            case REFUSED -> new SpecProblem(path, place, document.writtenAt(pointer), f.getMessage());
            case WRONG_KIND ->
                document.at(pointer).isMissingNode()
                        ? new SpecProblem(path, place, null, "is required")
                        : new SpecProblem(path, place, shown(pointer, f.target), "expected " + describe(f.target));
        };
    }

    private String shown(String pointer, Class<?> target) {
        if (target == Secret.class) {
            return Secret.MASK;
        }
        String written = document.writtenAt(pointer);
        return written != null ? written : document.at(pointer).toString();
    }

    private static String pointerOf(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            out.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return out.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different kind of value";
        } else if (type == Duration.class) {
            return "a duration like 500ms, 30s, 5m, 1h30m or 1d";
        } else if (type == ByteSize.class) {
            return "a size like 512KB, 64MB or 1GB";
        } else if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        } else if (type == Double.class || type == double.class) {
            return "a number";
        } else if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        } else if (type == String.class || type == Secret.class) {
            return "a text value";
        } else if (type.isEnum()) {
            return "one of "
                    + known(List.of(type.getEnumConstants()).stream()
                            .map(Object::toString)
                            .toList());
        } else if (List.class.isAssignableFrom(type)) {
            return "a list";
        } else if (type.isRecord() || java.util.Map.class.isAssignableFrom(type)) {
            return "a mapping of fields";
        }
        return type.getSimpleName();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root instanceof JsonMappingException j ? j.getOriginalMessage() : root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    private static String known(Collection<?> ids) {
        return ids.stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
    }

    private static String suggestion(String name, Collection<?> known) {
        return known.stream()
                .map(Object::toString)
                .filter(k -> distance(k, name) <= Math.max(2, name.length() / 3))
                .min(Comparator.comparingInt(k -> distance(k, name)))
                .map(k -> " (did you mean " + k + "?)")
                .orElse("");
    }

    /** Levenshtein distance, for "did you mean" hints. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String text = p.getValueAsString();
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
            }
        }
    }

    private static final class ByteSizeDeserializer extends JsonDeserializer<ByteSize> {
        @Override
        public ByteSize deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String text = p.getValueAsString();
            try {
                return ByteSize.parse(text);
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, e.getMessage(), text, ByteSize.class);
            }
        }
    }

    private static final class SecretDeserializer extends JsonDeserializer<Secret> {
        @Override
        public Secret deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                throw MismatchedInputException.from(p, Secret.class, "expected a text value");
            }
            String value = p.getValueAsString();
            String flaw = Secret.flaw(value);
            if (flaw != null) {
                throw new SecretFlaw(p, flaw);
            }
            return new Secret(value);
        }
    }

    /** A secret value that cannot be sent as it is (see {@link Secret#flaw}); the message never holds the value. */
    private static final class SecretFlaw extends JsonMappingException {
        final String flaw;

        SecretFlaw(JsonParser p, String flaw) {
            super(p, "secret " + flaw);
            this.flaw = flaw;
        }
    }
}
