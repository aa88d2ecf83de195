package dev.sluice.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds a spec subtree to the configuration records Sluice's own sections use, the way
 * {@link SpecBinder}'s Jackson mapper does (snake_case fields, unknown fields rejected, text from any
 * scalar, numbers only from numbers, the same failures), without Jackson's databind. Why: every
 * run is a short process, and databind builds a deserializer per record type by introspection in
 * each one: measured at ~10% of a one-page run's CPU. This binder reads the records' components
 * directly.
 *
 * <p>It handles text, whole numbers, numbers, booleans, {@link Duration}, {@link ByteSize},
 * {@link Secret}, raw trees ({@link JsonNode}), enums read by a {@code @JsonCreator} factory, lists,
 * maps with text keys, and records of these without Jackson annotations on their components.
 * {@link #handles} says no to anything else (a plugin's config with other types or annotations),
 * and {@link SpecBinder} then uses Jackson, as before. SpecBinderTest binds every built-in section
 * both ways and compares values and messages.
 */
final class TreeBinder {
    private static final Map<Type, Boolean> HANDLED = new ConcurrentHashMap<>();

    private TreeBinder() {}

    /** What went wrong, where (a pointer below the bound subtree), in the terms {@link SpecBinder} reports. */
    static final class Failure extends RuntimeException {
        enum Kind {
            /** A field the record does not have: {@link #field}, {@link #known}. */
            UNKNOWN_FIELD,
            /** A duration or size that does not parse: {@link #getMessage} says why. */
            BAD_FORMAT,
            /** A value of the wrong kind for {@link #target}, or none where one is needed. */
            WRONG_KIND,
            /** A record's or an enum's own check refused the value: {@link #getMessage}. */
            REFUSED,
            /** A secret that cannot be sent as it is: {@link #getMessage} is the flaw. */
            SECRET_FLAW
        }

        final Kind kind;
        final String pointer;
        final Class<?> target;
        final String field;
        final List<String> known;

        private Failure(Kind kind, String pointer, Class<?> target, String message, String field, List<String> known) {
            super(message, null, false, false);
            this.kind = kind;
            this.pointer = pointer;
            this.target = target;
            this.field = field;
            this.known = known;
        }
    }

    /** True when {@link #bind} binds {@code type} exactly as Jackson would. */
    static boolean handles(Type type) {
        Boolean known = HANDLED.get(type);
        if (known == null) {
            known = handles(type, new HashSet<>());
            HANDLED.put(type, known);
        }
        return known;
    }

    private static boolean handles(Type type, Set<Type> seen) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            return (raw == List.class && handles(args[0], seen))
                    || (raw == Map.class && args[0] == String.class && handles(args[1], seen));
        }
        if (!(type instanceof Class<?> c)) {
            return false;
        }
        if (c == String.class
                || c == Integer.class
                || c == Long.class
                || c == Double.class
                || c == Boolean.class
                || c == Duration.class
                || c == ByteSize.class
                || c == Secret.class
                || c == JsonNode.class) {
            return true;
        }
        if (c.isEnum()) {
            return creator(c) != null;
        }
        if (!c.isRecord() || !seen.add(c)) {
            return c.isRecord(); // a record met again further down is being checked already
        }
        for (RecordComponent component : c.getRecordComponents()) {
            if (jacksonAnnotated(component.getAnnotations())
                    || jacksonAnnotated(component.getAccessor().getAnnotations())
                    || !handles(component.getGenericType(), seen)) {
                return false;
            }
        }
        return !jacksonAnnotated(c.getAnnotations()) && canonical(c) != null;
    }

    private static boolean jacksonAnnotated(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().getName().startsWith("com.fasterxml.jackson.")) {
                return true;
            }
        }
        return false;
    }

    /** Binds {@code node} (null: absent) to {@code type}; call only when {@link #handles} said yes. */
    static Object bind(JsonNode node, Type type) {
        return value(node, type, "");
    }

    private static Object value(JsonNode node, Type type, String at) {
        if (type == JsonNode.class && node != null && node.isNull()) {
            return node; // as Jackson: an explicit null is a JSON null, an absent field no tree at all
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (type instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            return p.getRawType() == List.class ? list(node, args[0], at) : map(node, args[1], at);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            if (!node.isValueNode()) {
                throw wrongKind(at, c);
            }
            return node.asText();
        } else if (c == Integer.class || c == Long.class) {
            if (!node.isIntegralNumber() || (c == Integer.class ? !node.canConvertToInt() : !node.canConvertToLong())) {
                throw wrongKind(at, c);
            }
            return c == Integer.class ? (Object) node.intValue() : (Object) node.longValue();
        } else if (c == Double.class) {
            if (!node.isNumber()) {
                throw wrongKind(at, c);
            }
            return node.doubleValue();
        } else if (c == Boolean.class) {
            if (!node.isBoolean()) {
                throw wrongKind(at, c);
            }
            return node.booleanValue();
        } else if (c == Duration.class || c == ByteSize.class) {
            String text = node.isValueNode() ? node.asText() : null;
            try {
                return c == Duration.class ? Durations.parse(text) : ByteSize.parse(text);
            } catch (IllegalArgumentException e) {
                throw new Failure(Failure.Kind.BAD_FORMAT, at, c, e.getMessage(), null, null);
            }
        } else if (c == Secret.class) {
            if (!node.isValueNode()) {
                throw wrongKind(at, c);
            }
            String flaw = Secret.flaw(node.asText());
            if (flaw != null) {
                throw new Failure(Failure.Kind.SECRET_FLAW, at, c, flaw, null, null);
            }
            return new Secret(node.asText());
        } else if (c == JsonNode.class) {
            return node;
        } else if (c.isEnum()) {
            return enumValue(node, c, at);
        }
        return record(node, c, at);
    }

    private static List<Object> list(JsonNode node, Type element, String at) {
        if (!node.isArray()) {
            throw wrongKind(at, List.class);
        }
        List<Object> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(value(node.get(i), element, at + "/" + i));
        }
        return out;
    }

    private static Map<String, Object> map(JsonNode node, Type value, String at) {
        if (!node.isObject()) {
            throw wrongKind(at, Map.class);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            out.put(entry.getKey(), value(entry.getValue(), value, at + "/" + entry.getKey()));
        }
        return out;
    }

    private static Object enumValue(JsonNode node, Class<?> type, String at) {
        if (!node.isValueNode()) {
            throw wrongKind(at, type);
        }
        try {
            return creator(type).invoke(null, node.asText());
        } catch (InvocationTargetException e) {
            throw refused(at, type, e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object record(JsonNode node, Class<?> type, String at) {
        if (!node.isObject()) {
            throw wrongKind(at, type);
        }
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            int index = indexOf(components, field.getKey());
            if (index < 0) {
                List<String> known = new ArrayList<>();
                for (RecordComponent component : components) {
                    known.add(snakeCase(component.getName()));
                }
                known.sort(null); // the order Jackson lists them in, which decides between equally close hints
                throw new Failure(
                        Failure.Kind.UNKNOWN_FIELD,
                        at + "/" + field.getKey(),
                        type,
                        "unknown field",
                        field.getKey(),
                        known);
            }
            args[index] = value(field.getValue(), components[index].getGenericType(), at + "/" + field.getKey());
        }
        try {
            return canonical(type).newInstance(args);
        } catch (InvocationTargetException e) {
            throw refused(at, type, e.getCause());
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(RecordComponent[] components, String field) {
        for (int i = 0; i < components.length; i++) {
            if (snakeCase(components[i].getName()).equals(field)) {
                return i;
            }
        }
        return -1;
    }

    private static Failure wrongKind(String at, Class<?> target) {
        return new Failure(Failure.Kind.WRONG_KIND, at, target, null, null, null);
    }

    private static Failure refused(String at, Class<?> target, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new Failure(Failure.Kind.REFUSED, at, target, message, null, null);
    }

    /** Jackson's SNAKE_CASE for a Java name: {@code leaseTtl} becomes {@code lease_ttl}, {@code maxURLs} {@code max_urls}. */
    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        boolean previousUpper = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (!previousUpper && !out.isEmpty() && out.charAt(out.length() - 1) != '_') {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
                previousUpper = true;
            } else {
                out.append(c);
                previousUpper = false;
            }
        }
        return out.toString();
    }

    private static Method creator(Class<?> type) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.isAnnotationPresent(JsonCreator.class)
                    && Modifier.isStatic(m.getModifiers())
                    && Modifier.isPublic(m.getModifiers())
                    && m.getParameterCount() == 1
                    && m.getParameterTypes()[0] == String.class) {
                return m;
            }
        }
        return null;
    }

    private static Constructor<?> canonical(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            return Modifier.isPublic(constructor.getModifiers()) && Modifier.isPublic(type.getModifiers())
                    ? constructor
                    : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
