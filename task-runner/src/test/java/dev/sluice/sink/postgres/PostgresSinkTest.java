package dev.sluice.sink.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.db.Database;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkBatch;
import dev.sluice.sink.SinkResult;
import dev.sluice.sink.SinkTableMismatchException;
import dev.sluice.sink.postgres.internal.PostgresSink;
import dev.sluice.testing.TestPostgres;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresSinkTest {
    private static Database db;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("sink");
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static Sink sink(String table, String columns) {
        Sink sink = spec(table, columns).sink().open("t");
        db.jdbi().useHandle(sink::prepare);
        return sink;
    }

    private static JobSpec spec(String table, String columns) {
        return new JobSpecLoader(Map.of())
                .load("t.yaml", """
                job: t
                partitions: {type: list, values: [p]}
                source: {type: http, url: "http://127.0.0.1:1/x"}
                sink:
                  type: postgres
                  table: %s
                  key: [id]
                  columns:
                %s
                """.formatted(table, columns.indent(4).stripTrailing()));
    }

    private static SinkResult write(Sink sink, String... records) {
        List<JsonNode> nodes = java.util.Arrays.stream(records)
                .map(r -> {
                    try {
                        return Json.MAPPER.readTree(r);
                    } catch (Exception e) {
                        throw new IllegalArgumentException(e);
                    }
                })
                .toList();
        return db.jdbi().inTransaction(tx -> sink.write(tx, new SinkBatch("t", "p", 7, "trace-1", nodes)));
    }

    private static List<Map<String, Object>> rows(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapToMap().list());
    }

    @Test
    void creates_the_table_with_the_declared_columns_the_key_and_system_columns() {
        sink("created", "id: {path: $.id, type: bigint}\namount: {path: $.a, type: numeric}");

        assertThat(
                        rows(
                                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'created' ORDER BY ordinal_position"))
                .extracting(r -> r.get("column_name") + " " + r.get("data_type"))
                .containsExactly(
                        "id bigint",
                        "amount numeric",
                        "_sluice_partition text",
                        "_sluice_attempt bigint",
                        "_sluice_loaded_at timestamp with time zone",
                        "_sluice_trace_id text");
    }

    @Test
    void writing_the_same_page_twice_leaves_the_same_rows() {
        Sink sink = sink("twice", "id: {path: $.id}\nv: {path: $.v, type: integer}");

        write(sink, "{\"id\":\"a\",\"v\":1}", "{\"id\":\"b\",\"v\":2}");
        write(sink, "{\"id\":\"a\",\"v\":1}", "{\"id\":\"b\",\"v\":2}");

        assertThat(rows("SELECT id, v, _sluice_partition, _sluice_attempt, _sluice_trace_id FROM twice ORDER BY id"))
                .containsExactly(
                        Map.of(
                                "id",
                                "a",
                                "v",
                                1,
                                "_sluice_partition",
                                "p",
                                "_sluice_attempt",
                                7L,
                                "_sluice_trace_id",
                                "trace-1"),
                        Map.of(
                                "id",
                                "b",
                                "v",
                                2,
                                "_sluice_partition",
                                "p",
                                "_sluice_attempt",
                                7L,
                                "_sluice_trace_id",
                                "trace-1"));
    }

    @Test
    void a_page_with_some_keys_already_loaded_is_upserted_whole() {
        Sink sink = sink("mixed", "id: {path: $.id}\nv: {path: $.v}");
        write(sink, "{\"id\":\"a\",\"v\":\"first\"}");

        SinkResult result = write(
                sink("mixed", "id: {path: $.id}\nv: {path: $.v}"),
                "{\"id\":\"new\",\"v\":\"x\"}",
                "{\"id\":\"a\",\"v\":\"second\"}");

        assertThat(result.rows()).isEqualTo(2);
        assertThat(rows("SELECT id, v FROM mixed ORDER BY id"))
                .containsExactly(Map.of("id", "a", "v", "second"), Map.of("id", "new", "v", "x"));
    }

    @Test
    void timestamps_in_canonical_form_pass_through_and_impossible_ones_become_dead_letters() {
        Sink sink = sink("stamps", "id: {path: $.id}\nt: {path: $.t, type: timestamptz}");

        SinkResult result = write(
                sink,
                "{\"id\":\"a\",\"t\":\"2026-11-01T10:00:00.123456Z\"}",
                "{\"id\":\"b\",\"t\":\"2026-02-30T10:00:00Z\"}",
                "{\"id\":\"c\",\"t\":\"2026-11-01T12:00:00+02:00\"}");

        assertThat(result.deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.error()).contains("is not an ISO-8601 timestamp"));
        assertThat(rows("SELECT id, t::text AS t FROM stamps ORDER BY id"))
                .containsExactly(
                        Map.of("id", "a", "t", "2026-11-01 10:00:00.123456+00"),
                        Map.of("id", "c", "t", "2026-11-01 10:00:00+00"));
    }

    @Test
    void a_key_repeated_in_one_page_keeps_its_last_record() {
        Sink sink = sink("repeat", "id: {path: $.id}\nv: {path: $.v}");

        SinkResult result = write(sink, "{\"id\":\"a\",\"v\":\"old\"}", "{\"id\":\"a\",\"v\":\"new\"}");

        assertThat(result.rows()).isEqualTo(1);
        assertThat(rows("SELECT v FROM repeat")).containsExactly(Map.of("v", "new"));
    }

    @Test
    void awkward_text_survives_exactly() {
        Sink sink = sink("awkward", "id: {path: $.id}\nnote: {path: $.note}");
        List<String> notes = List.of(
                "quote \" and ,comma",
                "line\nbreak\r\nand\ttab",
                "back\\slash \\N",
                "",
                "é 日本 🎉",
                "\"\"",
                ",",
                "  padded  ",
                "{braces,\"in\"} arrays",
                "NULL");
        String[] records = new String[notes.size() + 1];
        for (int i = 0; i < notes.size(); i++) {
            records[i] = Json.MAPPER
                    .createObjectNode()
                    .put("id", "n" + i)
                    .put("note", notes.get(i))
                    .toString();
        }
        records[notes.size()] = "{\"id\":\"null\",\"note\":null}";

        write(sink, records);
        write(sink, records); // the keys exist now: this page goes through the upsert, not COPY

        for (int i = 0; i < notes.size(); i++) {
            assertThat(rows("SELECT note FROM awkward WHERE id = 'n" + i + "'")
                            .getFirst()
                            .get("note"))
                    .isEqualTo(notes.get(i));
        }
        assertThat(rows("SELECT note IS NULL AS n FROM awkward WHERE id = 'null'"))
                .containsExactly(Map.of("n", true));
    }

    @Test
    void converts_values_to_their_column_types() {
        Sink sink = sink("typed", """
                id: {path: $.id, type: uuid}
                n: {path: $.n, type: bigint}
                d: {path: $.d, type: numeric}
                b: {path: $.b, type: boolean}
                t: {path: $.t, type: timestamptz}
                day: {path: $.day, type: date}
                doc: {path: $.doc, type: jsonb}
                """);

        write(
                sink,
                "{\"id\":\"6f1c4b7e-3c1a-4d7e-9a3f-1b2c3d4e5f60\",\"n\":\"42\",\"d\":12.50,\"b\":true,"
                        + "\"t\":\"2026-11-01T10:00:00+02:00\",\"day\":\"2026-11-01\",\"doc\":{\"k\":[1,2]}}");

        assertThat(rows("SELECT n, d::text AS d, b, t::text AS t, day::text AS day, doc::text AS doc FROM typed"))
                .containsExactly(Map.of(
                        "n",
                        42L,
                        "d",
                        "12.50",
                        "b",
                        true,
                        "t",
                        "2026-11-01 08:00:00+00",
                        "day",
                        "2026-11-01",
                        "doc",
                        "{\"k\": [1, 2]}"));
    }

    @Test
    void records_that_do_not_fit_become_dead_letters_and_the_rest_are_written() {
        Sink sink = sink("partly", "id: {path: $.id}\nn: {path: $.n, type: integer}\nreq: {path: $.r, required: true}");

        SinkResult result = write(
                sink,
                "{\"id\":\"ok\",\"n\":1,\"r\":\"x\"}",
                "{\"id\":\"bad\",\"n\":\"one\",\"r\":\"x\"}",
                "{\"n\":2,\"r\":\"x\"}",
                "{\"id\":\"noreq\",\"n\":3}",
                "[1,2]",
                "{\"id\":\"big\",\"n\":99999999999,\"r\":\"x\"}");

        assertThat(result.rows()).isEqualTo(1);
        assertThat(result.deadLetters())
                .extracting(d -> d.recordKey() + ": " + d.error())
                .containsExactly(
                        "bad: record bad: column n ($.n): a JSON string of 3 characters is not a whole number",
                        "?: column id ($.id) is missing or null, but it is part of the key",
                        "noreq: record noreq: column req ($.r) is missing or null, but it is required",
                        "?: the record is a JSON array, not an object",
                        "big: record big: column n ($.n): a JSON number is out of range for integer "
                                + "(-2147483648 to 2147483647)");
    }

    @Test
    void an_existing_table_with_another_column_type_is_refused_before_writing() {
        db.jdbi().useHandle(h -> h.execute("CREATE TABLE clash (id text PRIMARY KEY, amount text)"));

        assertThatThrownBy(() -> sink("clash", "id: {path: $.id}\namount: {path: $.a, type: numeric}"))
                .isInstanceOf(SinkTableMismatchException.class)
                .hasMessageContaining("amount is text in the table but numeric in the spec");
    }

    @Test
    void an_existing_table_without_a_unique_key_is_refused() {
        db.jdbi().useHandle(h -> h.execute("CREATE TABLE nokey (id text, v text)"));

        assertThatThrownBy(() -> sink("nokey", "id: {path: $.id}\nv: {path: $.v}"))
                .isInstanceOf(SinkTableMismatchException.class)
                .hasMessageContaining("no unique index on the key (id)");
    }

    @Test
    void missing_columns_are_added_to_an_existing_table() {
        db.jdbi().useHandle(h -> h.execute("CREATE TABLE grow (id text PRIMARY KEY)"));

        Sink sink = sink("grow", "id: {path: $.id}\nextra: {path: $.e, type: bigint}");
        write(sink, "{\"id\":\"a\",\"e\":5}");

        assertThat(rows("SELECT extra FROM grow")).containsExactly(Map.of("extra", 5L));
    }

    @Test
    void the_page_write_is_a_function_beside_the_table_created_once_for_every_sink_of_the_same_definition() {
        Sink first = sink("fn_orders", "id: {path: $.id}\namount: {path: $.a, type: numeric}");
        sink("fn_orders", "id: {path: $.id}\namount: {path: $.a, type: numeric}");
        List<Map<String, Object>> functions = rows("SELECT proname, prosrc, obj_description(oid, 'pg_proc') AS comment "
                + "FROM pg_proc WHERE proname LIKE '\\_sluice\\_write\\_%' AND prosrc LIKE '%fn_orders%'");

        assertThat(functions).hasSize(1);
        assertThat((String) functions.getFirst().get("comment")).contains("writes a page into \"fn_orders\"");
        String name = (String) functions.getFirst().get("proname");
        assertThat(((PostgresSink) first).writeFunction()).contains(name);
        assertThat(statementSql(first)).startsWith("SELECT " + name + "(");

        write(first, "{\"id\":\"a\",\"a\":1.5}");
        assertThat(rows("SELECT id, amount FROM fn_orders"))
                .containsExactly(Map.of("id", "a", "amount", new java.math.BigDecimal("1.5")));
    }

    @Test
    void another_definition_of_the_same_table_gets_a_function_of_its_own() {
        Sink narrow = sink("fn_grow", "id: {path: $.id}");
        Sink wide = sink("fn_grow", "id: {path: $.id}\nextra: {path: $.e, type: bigint}");

        assertThat(statementSql(narrow)).isNotEqualTo(statementSql(wide));
        write(narrow, "{\"id\":\"a\",\"e\":5}");
        write(wide, "{\"id\":\"b\",\"e\":6}");
        assertThat(rows("SELECT id || ':' || coalesce(extra::text, 'null') AS row FROM fn_grow ORDER BY id"))
                .containsExactly(Map.of("row", "a:null"), Map.of("row", "b:6"));
    }

    @Test
    void without_create_on_the_schema_the_sink_sends_its_statement_inline_and_still_writes() {
        Sink owner = sink("fn_limited", "id: {path: $.id}\namount: {path: $.a, type: bigint}");
        String function = statementSql(owner)
                .substring("SELECT ".length(), statementSql(owner).indexOf('('));
        db.jdbi().useHandle(h -> {
            h.execute("DROP FUNCTION " + function);
            h.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sink_writer') THEN "
                    + "CREATE ROLE sink_writer LOGIN; END IF; END $$");
            h.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            h.execute("GRANT USAGE ON SCHEMA public TO sink_writer");
            h.execute("GRANT SELECT, INSERT, UPDATE ON fn_limited TO sink_writer");
        });
        Jdbi limited = Jdbi.create(db.settings().url(), "sink_writer", "");
        Sink sink = spec("fn_limited", "id: {path: $.id}\namount: {path: $.a, type: bigint}")
                .sink()
                .open("t");

        limited.useHandle(sink::prepare);
        limited.useTransaction(tx -> sink.write(tx, batch("{\"id\":\"a\",\"a\":3}")));

        assertThat(statementSql(sink)).startsWith("INSERT INTO \"fn_limited\"");
        assertThat(rows("SELECT count(*) AS n FROM pg_proc WHERE proname = '" + function + "'"))
                .containsExactly(Map.of("n", 0L));
        assertThat(rows("SELECT id, amount FROM fn_limited")).containsExactly(Map.of("id", "a", "amount", 3L));
    }

    @Test
    void a_function_of_that_name_with_another_body_is_not_used() {
        Sink first = sink("fn_other", "id: {path: $.id}");
        String function = statementSql(first)
                .substring("SELECT ".length(), statementSql(first).indexOf('('));
        db.jdbi()
                .useHandle(h -> h.execute("CREATE OR REPLACE FUNCTION " + function
                        + "(text, bigint, text, boolean, text[]) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint'"));

        Sink second = sink("fn_other", "id: {path: $.id}");
        write(second, "{\"id\":\"a\"}");

        assertThat(statementSql(second)).startsWith("INSERT INTO \"fn_other\"");
        assertThat(rows("SELECT id FROM fn_other")).containsExactly(Map.of("id", "a"));
    }

    private static String statementSql(Sink sink) {
        return sink.statement(batch("{\"id\":\"x\"}")).orElseThrow().statement().sql();
    }

    private static SinkBatch batch(String record) {
        try {
            return new SinkBatch("t", "p", 7, "trace-1", List.of(Json.MAPPER.readTree(record)));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
