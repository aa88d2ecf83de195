package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.breaker.BreakerConfig;
import dev.sluice.job.DeadLettersConfig;
import dev.sluice.job.RunnerConfig;
import dev.sluice.partition.PartitionSpec;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.recordcall.CallSpec;
import dev.sluice.retry.RetryConfig;
import dev.sluice.sink.postgres.PostgresSinkConfig;
import dev.sluice.source.file.FileSourceConfig;
import dev.sluice.source.http.HttpSourceConfig;
import dev.sluice.source.redis.RedisStreamConfig;
import dev.sluice.source.sql.SqlSourceConfig;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The binder of Sluice's own sections gives what Jackson gives: the same values, and for every
 * wrong value the same problem (field, line, shown value, message), on every field of every
 * built-in section, nested ones included, for values of every kind.
 */
class TreeBinderTest {
    /** Every section type the built-in providers and the job spec bind. */
    private static final List<Class<?>> SECTIONS = List.of(
            RunnerConfig.class,
            DeadLettersConfig.class,
            LimitConfig.class,
            RetryConfig.class,
            BreakerConfig.class,
            PartitionSpec.class,
            PostgresSinkConfig.class,
            FileSourceConfig.class,
            HttpSourceConfig.class,
            RedisStreamConfig.class,
            SqlSourceConfig.class,
            CallSpec.class,
            String.class);

    /** Values of every kind, in YAML flow style. */
    private static final List<String> SAMPLES = List.of(
            "null",
            "\"text\"",
            "plain",
            "5",
            "-3",
            "0",
            "12345678901",
            "99999999999999999999",
            "1.5",
            "1e3",
            "true",
            "false",
            "[]",
            "[1, \"a\"]",
            "{}",
            "{\"a\": 1}",
            "\"10s\"",
            "\"1h30m\"",
            "\"10 seconds\"",
            "\"3651d\"",
            "\"64MB\"",
            "\"64 MiB\"",
            "\"daily\"",
            "\"hourly\"",
            "\"list\"",
            "\"text\"",
            "\"bigint\"",
            "\"jsonl\"",
            "\"csv\"",
            "\"50/1s\"",
            "\"https://api.example.com/v1\"",
            "\"tok\\nen\"",
            "\" spaced \"",
            "\"{partition.start}\"",
            "\"$.data\"",
            "[\"50/1s\", \"1000/1d\"]",
            "[200, 201]",
            "\"POST\"",
            "\"id\"");

    /**
     * Values for secret fields: every secret bound is registered for masking in this JVM, so these
     * are words no other test's message holds ("true" or "daily" as a secret would mask them in
     * every later test of the fork).
     */
    private static final List<String> SECRET_SAMPLES = List.of(
            "null",
            "5",
            "1.5",
            "[]",
            "[1, \"a\"]",
            "{}",
            "{\"a\": 1}",
            "\"tb-secret-7f3a\"",
            "9876543210123",
            "\"tb-line\\nbreak-7f3a\"",
            "\" tb-spaced-7f3a \"");

    @Test
    void handles_every_built_in_section() {
        for (Class<?> section : SECTIONS) {
            assertThat(TreeBinder.handles(section)).as(section.getName()).isTrue();
        }
    }

    @Test
    void leaves_other_types_to_jackson() {
        record WithInstant(Instant at) {}
        record WithPrimitive(int n) {}
        record WithBigDecimal(BigDecimal amount) {}
        record WithAnnotation(
                @com.fasterxml.jackson.annotation.JsonProperty("x")
                String y) {}
        enum Plain {
            A
        }
        for (Class<?> type : List.of(
                WithInstant.class, WithPrimitive.class, WithBigDecimal.class, WithAnnotation.class, Plain.class)) {
            assertThat(TreeBinder.handles(type)).as(type.getName()).isFalse();
        }
    }

    @Test
    void binds_every_field_of_every_section_as_jackson_does() {
        int compared = 0;
        for (Class<?> section : SECTIONS) {
            for (String value : cases(section, 2)) {
                compare(section, value);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(2_000);
    }

    @Test
    void binds_the_shipped_specs_as_jackson_does() throws Exception {
        java.nio.file.Path jobs = java.nio.file.Path.of("..", "dags", "jobs");
        try (var files = java.nio.file.Files.list(jobs)) {
            for (java.nio.file.Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                SpecDocument document =
                        Specs.parse(file, Map.of("ORDERS_API_TOKEN", "t", "SLUICE_API_URL", "http://x"));
                for (var section : Map.of(
                                "/runner", RunnerConfig.class,
                                "/partitions", PartitionSpec.class,
                                "/retry", RetryConfig.class,
                                "/breaker", BreakerConfig.class,
                                "/call", CallSpec.class)
                        .entrySet()) {
                    compare(document, section.getKey(), section.getValue());
                }
            }
        }
    }

    private static void compare(Class<?> type, String flowValue) {
        SpecDocument document = Specs.parse("t.yaml", "x: " + flowValue + "\n", Map.of());
        compare(document, "/x", type);
    }

    private static void compare(SpecDocument document, String pointer, Class<?> type) {
        SpecBinder binder = new SpecBinder(document);
        Object ours = outcome(() -> binder.bind(pointer, type));
        Object jackson = outcome(() -> binder.bindWithJackson(pointer, document.at(pointer), type));
        if (jackson instanceof String message && message.contains("out of range of")) {
            // the one intended difference: Jackson's parser message (with "[Source: UNKNOWN...]") for a
            // number past the type's range; ours names the rule like every other wrong number
            assertThat(ours).asString().contains("expected a whole number");
            return;
        }
        assertThat(Objects.equals(ours, jackson))
                .as(
                        "binding %s to %s\n ours:    %s\n jackson: %s",
                        document.at(pointer), type.getSimpleName(), ours, jackson)
                .isTrue();
    }

    private static Object outcome(java.util.function.Supplier<Object> bind) {
        try {
            return bind.get();
        } catch (JobSpecException e) {
            return e.problems().toString();
        } catch (RuntimeException e) { // a record's own check that Jackson does not wrap, compared by message
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** Flow-style values for {@code type}: every sample, and for a record every sample in every field, nested. */
    private static List<String> cases(Type type, int depth) {
        if (type == Secret.class) {
            return SECRET_SAMPLES;
        }
        List<String> out = new ArrayList<>(SAMPLES);
        if (depth == 0) {
            return out;
        }
        if (type instanceof ParameterizedType p) {
            Type element = p.getActualTypeArguments()[p.getActualTypeArguments().length - 1];
            boolean list = p.getRawType() == List.class;
            for (String inner : cases(element, depth - 1)) {
                out.add(list ? "[" + inner + "]" : "{\"k\": " + inner + "}");
            }
        } else if (type instanceof Class<?> c && c.isRecord()) {
            out.add("{\"nope\": 1}");
            out.add("{\"" + TreeBinder.snakeCase(c.getRecordComponents()[0].getName()) + "x\": 1}");
            for (RecordComponent component : c.getRecordComponents()) {
                String field = "\"" + TreeBinder.snakeCase(component.getName()) + "\"";
                for (String inner : cases(component.getGenericType(), depth - 1)) {
                    out.add("{" + field + ": " + inner + "}");
                }
            }
        }
        return out;
    }
}
