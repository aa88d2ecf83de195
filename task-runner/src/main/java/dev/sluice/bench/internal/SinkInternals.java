package dev.sluice.bench.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sink.postgres.internal.PostgresSink;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Reaches into a {@link PostgresSink} for its parts (the package-private {@code Rows} and
 * {@code Csv}, and its SQL), so that the anatomy times the sink's own steps, not a re-creation.
 * Reflection because those parts are internal to the sink package; if they are renamed, the
 * anatomy fails loudly here.
 */
final class SinkInternals {
    final String createStage;
    final String copy;
    final String upsert;
    private final Object rows;
    private final Method convert;
    private final Method convertedRows;
    private final Method convertedDead;
    private final Method encode;

    SinkInternals(PostgresSink sink) {
        try {
            createStage = (String) field(sink, "createStage");
            copy = (String) field(sink, "copy");
            upsert = (String) field(sink, "upsert");
            rows = field(sink, "rows");
            convert = accessible(rows.getClass().getDeclaredMethod("convert", List.class));
            Class<?> converted = Class.forName(rows.getClass().getName() + "$Converted");
            convertedRows = accessible(converted.getDeclaredMethod("rows"));
            convertedDead = accessible(converted.getDeclaredMethod("deadLetters"));
            Class<?> csv = Class.forName(PostgresSink.class.getPackageName() + ".Csv");
            encode = accessible(csv.getDeclaredMethod("encode", List.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the sink's internals changed (" + e + "); update " + SinkInternals.class.getName(), e);
        }
    }

    /** {@code Rows.convert}: the page's rows (COPY text per column) and its dead letters. */
    @SuppressWarnings("unchecked")
    Converted convert(List<JsonNode> records) {
        Object result = invoke(convert, rows, records);
        return new Converted((List<String[]>) invoke(convertedRows, result), ((List<?>) invoke(convertedDead, result)).size());
    }

    /** {@code Csv.encode}. */
    byte[] encode(List<String[]> rows) {
        return (byte[]) invoke(encode, null, rows);
    }

    record Converted(List<String[]> rows, int deadLetters) {}

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }

    private static Method accessible(Method m) {
        m.setAccessible(true);
        return m;
    }

    private static Object invoke(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
