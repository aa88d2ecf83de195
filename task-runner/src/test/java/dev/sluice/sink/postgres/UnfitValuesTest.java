package dev.sluice.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.db.Database;
import dev.sluice.deadletter.DeadLetterStore;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.lease.Lease;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.testing.TestPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every value PostgreSQL would refuse, for every column type, becomes a dead letter naming the
 * record, the column, the value's kind and the rule, and the page's transaction commits: the rest
 * of the page and the dead letter itself are stored. Values at the edge of each range are
 * stored, through COPY and through the upsert. Without the checks, each refused value would fail
 * the transaction (and the test) with PostgreSQL's error instead.
 */
class UnfitValuesTest {
    private static final Lease LEASE = new Lease("t", "p", 7, "test", null);
    private static final String BIG = "x".repeat(300_000);
    private static Database db;
    private static final Map<String, Sink> SINKS = new HashMap<>();

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("unfit");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    /** Name, column type, the value as JSON text, and the rule broken (null: the value fits). */
    static Stream<Arguments> values() {
        return Stream.of(
                unfit("text_nul", "text", "\"a\\u0000b\"", "a JSON string of 3 characters contains a NUL character"),
                unfit("text_high_surrogate", "text", "\"a\\ud800b\"", "contains an unpaired UTF-16 surrogate"),
                unfit("text_low_surrogate", "text", "\"\\udc00\"", "contains an unpaired UTF-16 surrogate"),
                unfit("text_object", "text", "{\"a\":1}", "a JSON object does not fit text (use type: jsonb)"),
                fits("text_emoji", "text", "\"\\ud83c\\udf89 ok\""),
                fits("text_300kb", "text", "\"" + BIG + "\""),
                unfit("bigint_over", "bigint", "9223372036854775808", "a JSON number is out of range for bigint"),
                unfit("bigint_1e400000", "bigint", "1e400000", "a JSON number is out of range for bigint"),
                unfit("bigint_1e999999999", "bigint", "1e999999999", "a JSON number is out of range for bigint"),
                unfit("bigint_long_text", "bigint", "\"" + "9".repeat(5000) + "\"", "is out of range for bigint"),
                unfit("bigint_fraction", "bigint", "1.5", "a JSON number is not a whole number"),
                unfit("bigint_tiny", "bigint", "1e-999999999", "a JSON number is not a whole number"),
                unfit("bigint_nan_text", "bigint", "\"NaN\"", "a JSON string of 3 characters is not a whole number"),
                fits("bigint_min", "bigint", "-9223372036854775808"),
                fits("bigint_whole_decimal", "bigint", "12.000"),
                unfit("integer_over", "integer", "2147483648", "a JSON number is out of range for integer"),
                unfit("numeric_1e400000", "numeric", "1e400000", "has 400001 digits before the decimal point"),
                unfit("numeric_minus_1e400000", "numeric", "-1e400000", "digits before the decimal point"),
                unfit("numeric_1e-400000", "numeric", "1e-400000", "has 400000 digits after the decimal point"),
                unfit("numeric_zero_scale", "numeric", "0e-20000", "digits after the decimal point"),
                unfit("numeric_nan", "numeric", "\"NaN\"", "is not a number"),
                unfit("numeric_infinity", "numeric", "\"-Infinity\"", "is not a number"),
                unfit("numeric_text_1e400000", "numeric", "\"1e400000\"", "digits before the decimal point"),
                unfit("numeric_long_digits", "numeric", "\"1" + "0".repeat(131_072) + "\"", "has 131073 digits"),
                unfit("numeric_long_fraction", "numeric", "\"0." + "1".repeat(16_384) + "\"", "has 16384 digits"),
                unfit("numeric_long_exponent_text", "numeric", "\"" + "1".repeat(1500) + "e5\"", "longer than"),
                fits("numeric_1e131071", "numeric", "1e131071"),
                fits("numeric_131072_digits", "numeric", "\"" + "7".repeat(131_072) + "\""),
                fits("numeric_16383_fraction", "numeric", "\"0." + "3".repeat(16_383) + "\""),
                unfit("double_1e400000", "double", "1e400000", "is beyond the range of double precision"),
                unfit("double_minus_1e400000", "double", "-1e400000", "is beyond the range of double precision"),
                unfit("double_underflow", "double", "1e-400", "is beyond the range of double precision"),
                unfit("double_infinity_text", "double", "\"Infinity\"", "is not a number"),
                fits("double_subnormal", "double", "4.9e-324"),
                unfit("boolean_yes", "boolean", "\"yes\"", "a JSON string of 3 characters is not true or false"),
                unfit("boolean_number", "boolean", "1", "a JSON number is not true or false"),
                unfit("ts_year_10000", "timestamptz", "\"+10000-01-01T00:00:00Z\"", "is a timestamp in year 10000"),
                unfit("ts_year_0", "timestamptz", "\"0000-01-01T00:00:00Z\"", "is a timestamp in year 0"),
                unfit("ts_year_minus_1", "timestamptz", "\"-0001-01-01T00:00:00Z\"", "is a timestamp in year -1"),
                unfit("ts_year_0_by_offset", "timestamptz", "\"0001-01-01T00:30:00+01:00\"", "in year 0"),
                unfit("ts_year_294277", "timestamptz", "\"+294277-01-01T00:00:00Z\"", "in year 294277"),
                unfit("ts_no_such_day", "timestamptz", "\"2026-02-30T10:00:00Z\"", "is not an ISO-8601 timestamp"),
                unfit("ts_number", "timestamptz", "1700000000", "a JSON number is not an ISO-8601 timestamp"),
                unfit("ts_huge", "timestamptz", "\"" + BIG + "\"", "of 300000 characters is not an ISO-8601"),
                fits("ts_last", "timestamptz", "\"9999-12-31T23:59:59.999999Z\""),
                fits("ts_first", "timestamptz", "\"0001-01-01T00:00:00Z\""),
                unfit("date_year_10000", "date", "\"+10000-01-01\"", "is a date in year 10000"),
                unfit("date_year_0", "date", "\"0000-01-01\"", "is a date in year 0"),
                unfit("date_no_such_day", "date", "\"2026-02-30\"", "is not an ISO date"),
                unfit("date_month_13", "date", "\"2026-13-01\"", "is not an ISO date"),
                fits("date_last", "date", "\"9999-12-31\""),
                unfit("jsonb_nul", "jsonb", "{\"a\":\"x\\u0000\"}", "holds a string contains a NUL character"),
                unfit("jsonb_nul_name", "jsonb", "{\"a\\u0000\":1}", "holds a field name contains a NUL"),
                unfit("jsonb_surrogate", "jsonb", "[\"\\ud800\"]", "holds a string contains an unpaired UTF-16"),
                unfit("jsonb_1e400000", "jsonb", "{\"n\":[1e400000]}", "holds a number has 400001 digits before"),
                unfit("jsonb_1e-20000", "jsonb", "[1e-20000]", "holds a number has 20000 digits after"),
                fits("jsonb_1e131071", "jsonb", "{\"n\":1e131071}"),
                fits("jsonb_deep", "jsonb", "[".repeat(900) + "]".repeat(900)),
                unfit("uuid_text", "uuid", "\"not-a-uuid\"", "a JSON string of 10 characters is not a UUID"),
                unfit("uuid_huge", "uuid", "\"" + BIG + "\"", "is not a UUID"),
                unfit("uuid_number", "uuid", "42", "a JSON number is not a UUID"));
    }

    private static Arguments unfit(String name, String type, String json, String rule) {
        return Arguments.of(name, type, json, rule);
    }

    private static Arguments fits(String name, String type, String json) {
        return Arguments.of(name, type, json, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("values")
    void a_value_postgresql_would_refuse_is_a_dead_letter_and_the_page_commits(
            String name, String type, String json, String rule) {
        Sink sink = sink(type);
        JsonNode record = record("{\"id\":\"" + name + "\",\"v\":" + json + "}");
        JsonNode neighbour = record("{\"id\":\"" + name + "-neighbour\",\"v\":null}");

        SinkResult result = writeAndKeep(sink, record, neighbour);

        assertThat(stored(type, name + "-neighbour")).as("the rest of the page").isTrue();
        if (rule == null) {
            assertThat(result.deadLetters()).isEmpty();
            assertThat(stored(type, name)).isTrue();
            assertThat(writeAndKeep(sink, record).deadLetters())
                    .as("again, through the upsert")
                    .isEmpty();
            return;
        }
        assertThat(result.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.error())
                    .startsWith("record " + name + ": column v ($.v): ")
                    .contains(rule);
            assertThat(letter.error().length())
                    .as("the error describes the value, never holds it")
                    .isLessThan(300);
        });
        assertThat(stored(type, name)).isFalse();
        assertThat(deadLetterRows(name))
                .as("the dead letter itself is stored, with its payload")
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void a_key_postgresql_could_not_index_or_store_is_a_dead_letter(String name, String key, String rule) {
        Sink sink = sink("text");
        JsonNode record = Json.MAPPER.createObjectNode().put("id", key).put("v", name);

        SinkResult result = writeAndKeep(sink, record);

        if (rule == null) {
            assertThat(result.deadLetters()).isEmpty();
            assertThat(writeAndKeep(sink, record).deadLetters())
                    .as("again, through the upsert")
                    .isEmpty();
            return;
        }
        assertThat(result.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.error()).contains(rule);
            assertThat(letter.recordKey().length())
                    .as("a long key is shown shortened")
                    .isLessThan(200);
            assertThat(letter.error().length()).isLessThan(600);
        });
        long kept = db.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM sluice_dead_letter WHERE payload->>'v' = ?")
                        .bind(0, name)
                        .mapTo(Long.class)
                        .one());
        assertThat(kept).as("the dead letter itself is stored").isEqualTo(1L);
    }

    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of("key_300kb", BIG, "the key (id) takes 300000 bytes; a key may take at most 2000"),
                Arguments.of("key_multibyte", "é".repeat(1001), "the key (id) takes 2002 bytes"),
                Arguments.of("key_nul", "k\u0000ey", "contains a NUL character"),
                Arguments.of("key_surrogate", "k\ud800", "unpaired UTF-16 surrogate"),
                Arguments.of("key_2000_bytes", "k".repeat(2000), null));
    }

    @org.junit.jupiter.api.Test
    void the_key_budget_counts_every_key_column_together() {
        Sink sink = sink("pair", "text", "a: {path: $.a}\nb: {path: $.b}", "[a, b]");
        JsonNode wide =
                Json.MAPPER.createObjectNode().put("a", "a".repeat(1100)).put("b", "b".repeat(1100));
        JsonNode fits =
                Json.MAPPER.createObjectNode().put("a", "a".repeat(1000)).put("b", "b".repeat(1000));

        SinkResult result = writeAndKeep(sink, wide, fits);

        assertThat(result.rows()).isEqualTo(1);
        assertThat(result.deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.error()).contains("the key (a, b) takes 2200 bytes"));
    }

    /** Writes a page and keeps its dead letters in one transaction, as the runner does. */
    private static SinkResult writeAndKeep(Sink sink, JsonNode... records) {
        return db.jdbi().inTransaction(tx -> {
            SinkResult result = sink.write(tx, new SinkBatch("t", "p", 7, "trace", List.of(records)));
            new DeadLetterStore().store(tx, LEASE, null, result.deadLetters());
            return result;
        });
    }

    private static Sink sink(String type) {
        return sink("unfit_" + type, type, "v: {path: $.v, type: " + type + "}", "[id]");
    }

    private static Sink sink(String table, String type, String columns, String key) {
        return SINKS.computeIfAbsent(table, t -> {
            String yaml = """
                    job: t
                    partitions: {type: list, values: [p]}
                    source: {type: http, url: "http://127.0.0.1:1/x"}
                    sink:
                      type: postgres
                      table: %s
                      key: %s
                      columns:
                        id: {path: $.id}
                    %s
                    """.formatted(t, key, columns.indent(4).stripTrailing());
            Sink sink = new JobSpecLoader(Map.of()).load("t.yaml", yaml).sink().open("t");
            db.jdbi().useHandle(sink::prepare);
            return sink;
        });
    }

    private static boolean stored(String type, String id) {
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM unfit_" + type + " WHERE id = ?")
                                .bind(0, id)
                                .mapTo(Long.class)
                                .one()
                        > 0);
    }

    private static long deadLetterRows(String id) {
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM sluice_dead_letter WHERE record_key = ?")
                        .bind(0, id)
                        .mapTo(Long.class)
                        .one());
    }

    private static JsonNode record(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
