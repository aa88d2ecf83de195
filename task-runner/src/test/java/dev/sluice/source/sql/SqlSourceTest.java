package dev.sluice.source.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.Outcome;
import dev.sluice.SluiceException;
import dev.sluice.db.Database;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.partition.Partition;
import dev.sluice.source.Page;
import dev.sluice.source.Source;
import dev.sluice.source.SourceContext;
import dev.sluice.testing.TestPostgres;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sql source on a real PostgreSQL: binding, keyset pages, faithful types, resuming, refusals. */
class SqlSourceTest {
    private static Database db;

    @BeforeAll
    static void database() {
        db = TestPostgres.migratedDatabase("sqlsource");
        db.jdbi().useHandle(h -> {
            h.execute("CREATE TABLE orders (id bigint PRIMARY KEY, day date NOT NULL, region text, amount numeric)");
            // ids inserted in random order: the source's order must come from the key, not the heap
            List<Integer> ids = new ArrayList<>();
            for (int i = 1; i <= 1234; i++) {
                ids.add(i);
            }
            Collections.shuffle(ids, new Random(42));
            for (int id : ids) {
                h.execute(
                        "INSERT INTO orders VALUES (?, DATE '2026-11-01' + (? % 3), ?, ?)",
                        id, id, id % 2 == 0 ? "eu" : "us", new java.math.BigDecimal(id + ".50"));
            }
        });
    }

    @AfterAll
    static void close() {
        db.close();
    }

    private static Source source(String partitions, String section, String partition) {
        JobSpec spec = new JobSpecLoader(Map.of())
                .load("t.yaml", """
                job: t
                partitions: %s
                source:
                %s
                sink: {type: postgres, table: t, key: [id], columns: {id: {path: $.id}}}
                """.formatted(partitions, section.indent(2).stripTrailing()));
        Partition p = spec.partitions().parse(partition);
        return spec.source().open(new SourceContext(p, null, Clock.systemUTC(), db.jdbi()));
    }

    private static Source daily(String section) {
        return source("{type: daily}", "type: sql\n" + section, "2026-11-02");
    }

    /** Every page from {@code position} to the last. */
    private static List<Page> pages(Source source, String partitionKey, JsonNode position) {
        Partition partition = new Partition(
                partitionKey,
                Map.of("start", partitionKey, "end", "x", "start_time", "x", "end_time", "x", "value", partitionKey));
        List<Page> pages = new ArrayList<>();
        Page page;
        do {
            page = source.read(partition, position);
            pages.add(page);
            position = page.next();
        } while (!page.last());
        return pages;
    }

    private static List<JsonNode> records(List<Page> pages) {
        return pages.stream().flatMap(p -> p.records().stream()).toList();
    }

    private static List<Long> ids(List<JsonNode> records) {
        return records.stream().map(r -> r.get("id").asLong()).toList();
    }

    private static List<Long> expectedIds(String where) {
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT id FROM orders WHERE " + where + " ORDER BY id")
                        .mapTo(Long.class)
                        .list());
    }

    @Test
    void binds_the_partition_variables_as_parameters_and_never_splices_them() {
        Source source = daily(
                "query: SELECT id, current_query() AS sent FROM orders WHERE day = :start\nkey: id\npage_size: 1000");

        List<JsonNode> records = records(pages(source, "2026-11-02", null));

        assertThat(ids(records)).isEqualTo(expectedIds("day = DATE '2026-11-02'"));
        assertThat(records.getFirst().get("sent").asText())
                .as("the statement PostgreSQL received holds a parameter, not the date")
                .contains("day = $1")
                .doesNotContain("2026-11-02");
    }

    @Test
    void reads_every_row_once_in_key_order_in_pages_and_says_which_page_is_last() {
        Source source = daily("query: SELECT * FROM orders WHERE day >= :start\nkey: id\npage_size: 100");

        List<Page> pages = pages(source, "2026-11-01", null);

        assertThat(ids(records(pages))).isEqualTo(expectedIds("day >= DATE '2026-11-01'"));
        assertThat(pages).hasSize(13);
        assertThat(pages.subList(0, 12)).allSatisfy(p -> {
            assertThat(p.records()).hasSize(100);
            assertThat(p.last()).isFalse();
        });
        assertThat(pages.getLast().records()).hasSize(34);
        assertThat(pages.get(4).next()).hasToString("{\"after\":500}");
    }

    @Test
    void resuming_from_a_committed_position_returns_the_same_pages_as_the_first_pass() {
        Source first = daily("query: SELECT * FROM orders WHERE day >= :start\nkey: id\npage_size: 100");
        List<Page> clean = pages(first, "2026-11-01", null);

        JsonNode committed = Json.MAPPER.createObjectNode().put("after", 500);
        Source resumed = daily("query: SELECT * FROM orders WHERE day >= :start\nkey: id\npage_size: 100");
        List<Page> again = pages(resumed, "2026-11-01", committed);

        assertThat(again).isEqualTo(clean.subList(5, clean.size()));
    }

    @Test
    void an_empty_result_is_one_last_empty_page() {
        Source source = daily("query: SELECT * FROM orders WHERE day = CAST(:start AS date) + 100\nkey: id");

        List<Page> pages = pages(source, "2026-11-01", null);

        assertThat(pages).hasSize(1);
        assertThat(pages.getFirst().records()).isEmpty();
        assertThat(pages.getFirst().last()).isTrue();
        assertThat(pages.getFirst().next()).hasToString("{\"after\":null}");
    }

    @Test
    void keeps_each_value_s_type_in_json() throws Exception {
        db.jdbi().useHandle(h -> {
            h.execute("CREATE TYPE mood AS ENUM ('calm', 'busy')");
            h.execute("""
                    CREATE TABLE typed (
                      id int4 PRIMARY KEY, small int2, big int8, exact numeric(40, 10), money_like numeric(12, 2),
                      f8 float8, f4 float4, nan float8, yes bool, t text, v varchar(10), c char(4), u uuid,
                      d date, ts timestamp, tstz timestamptz, j json, jb jsonb, ints int4[], texts text[],
                      nums numeric[], times timestamptz[], grid int4[][], raw bytea, gap text, span interval,
                      feeling mood)""");
            h.execute("""
                    INSERT INTO typed VALUES (1, -7, 9007199254740993, 123456789012345678901234567890.1234567890, 12.50,
                      0.1, 0.1, 'NaN', true, 'a "quoted" text', 'var', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
                      '2026-11-01', '2026-11-01 05:06:07.123456', '2026-11-01 05:06:07.5+02',
                      '{"b": 1.10, "a": [1, 2]}', '{"n": 12345678901234567890.123, "s": "x"}', '{1,NULL,3}',
                      '{"x","y,z"}', '{1.50,2}', '{"2026-11-01 00:00:00+00"}', '{{1,2},{3,4}}', '\\x00ff10', NULL,
                      '1 day 02:00:00', 'busy')""");
        });
        Source source = source(
                "{type: list, values: [a]}", "type: sql\nquery: SELECT * FROM typed WHERE :value = 'a'\nkey: id", "a");

        JsonNode row = records(pages(source, "a", null)).getFirst();

        assertThat(Json.MAPPER.writeValueAsString(row))
                .isEqualTo("{\"id\":1,\"small\":-7,\"big\":9007199254740993,"
                        + "\"exact\":123456789012345678901234567890.1234567890,\"money_like\":12.50,"
                        + "\"f8\":0.1,\"f4\":0.1,\"nan\":\"NaN\",\"yes\":true,\"t\":\"a \\\"quoted\\\" text\","
                        + "\"v\":\"var\",\"c\":\"ab  \",\"u\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\","
                        + "\"d\":\"2026-11-01\",\"ts\":\"2026-11-01T05:06:07.123456Z\","
                        + "\"tstz\":\"2026-11-01T03:06:07.500Z\",\"j\":{\"b\":1.10,\"a\":[1,2]},"
                        + "\"jb\":{\"n\":12345678901234567890.123,\"s\":\"x\"},\"ints\":[1,null,3],"
                        + "\"texts\":[\"x\",\"y,z\"],\"nums\":[1.50,2],\"times\":[\"2026-11-01T00:00:00Z\"],"
                        + "\"grid\":[[1,2],[3,4]],\"raw\":\"AP8Q\",\"gap\":null,\"span\":\"1 day 02:00:00\","
                        + "\"feeling\":\"busy\"}");
    }

    @Test
    void pages_on_text_uuid_numeric_float_and_timestamp_keys_in_the_database_s_order() {
        db.jdbi().useHandle(h -> {
            h.execute("CREATE TABLE keyed (name text, u uuid, n numeric, at timestamptz, f float8)");
            Random random = new Random(3);
            for (int i = 0; i < 57; i++) {
                h.execute(
                        "INSERT INTO keyed VALUES (?, gen_random_uuid(), ? / 7.0, TIMESTAMPTZ '2026-11-01' + ? * "
                                + "interval '1 microsecond', ?)",
                        "name " + (char) ('A' + random.nextInt(26)) + "\u00e9" + i,
                        random.nextInt(1000) * 100 + i,
                        random.nextInt(1_000_000) * 100 + i,
                        random.nextDouble() * 1e20);
            }
        });
        for (String key : List.of("name", "u", "n", "at", "f")) {
            Source source = source(
                    "{type: list, values: [a]}",
                    "type: sql\nquery: SELECT * FROM keyed WHERE :value = 'a'\nkey: " + key + "\npage_size: 5",
                    "a");

            List<String> read = records(pages(source, "a", null)).stream()
                    .map(r -> r.get("name").asText())
                    .toList();

            assertThat(read)
                    .as("rows in the order of " + key)
                    .isEqualTo(db.jdbi()
                            .withHandle(h -> h.createQuery("SELECT name FROM keyed ORDER BY " + key)
                                    .mapTo(String.class)
                                    .list()));
        }
    }

    @Test
    void a_jsonb_question_mark_operator_literal_colons_and_casts_reach_postgresql_unchanged() {
        db.jdbi().useHandle(h -> {
            h.execute("CREATE TABLE docs (id int PRIMARY KEY, doc jsonb, note text)");
            h.execute("INSERT INTO docs VALUES (1, '{\"vip\": true}', 'at 10:30'), (2, '{}', 'at 10:30'), "
                    + "(3, '{\"vip\": 1}', 'x')");
        });
        Source source = source("{type: list, values: [a]}", """
                type: sql
                query: |
                  SELECT id, note, $$:not_a_variable; ?$$ AS dollar, '10:30'::text AS t
                  FROM docs -- a comment with :value and ; in it
                  WHERE doc ? 'vip' AND note = 'at ' || '10:30' AND :value::text = 'a';
                key: id""", "a");

        List<JsonNode> records = records(pages(source, "a", null));

        assertThat(ids(records)).containsExactly(1L);
        assertThat(records.getFirst().get("dollar").asText()).isEqualTo(":not_a_variable; ?");
    }

    @Test
    void a_null_key_is_refused_before_the_first_page() {
        db.jdbi()
                .useHandle(h -> h.execute("CREATE TABLE holes AS SELECT g AS id FROM generate_series(1, 10) g "
                        + "UNION ALL SELECT NULL"));
        Source source = source(
                "{type: list, values: [a]}", "type: sql\nquery: SELECT * FROM holes WHERE :value = 'a'\nkey: id", "a");

        assertThatThrownBy(() -> pages(source, "a", null))
                .isInstanceOf(QueryFailedException.class)
                .hasMessageContaining("source.key (t.yaml:")
                .hasMessageContaining("returns rows whose id is null");
    }

    @Test
    void a_key_repeated_across_a_page_boundary_is_refused_not_skipped() {
        db.jdbi().useHandle(h -> h.execute("CREATE TABLE twice AS SELECT unnest(ARRAY[1, 2, 2, 3]) AS id"));
        Source source = source(
                "{type: list, values: [a]}",
                "type: sql\nquery: SELECT * FROM twice WHERE :value = 'a'\nkey: id\npage_size: 2",
                "a");

        assertThatThrownBy(() -> pages(source, "a", null))
                .isInstanceOf(QueryFailedException.class)
                .hasMessageContaining("source.key (t.yaml:")
                .hasMessageContaining("id is not unique in the query's results (more than one row has id = 2)")
                .extracting(e -> ((SluiceException) e).outcome())
                .isEqualTo(Outcome.CONFIG);
    }

    @Test
    void a_key_the_query_lacks_or_that_cannot_order_is_refused_naming_the_columns() {
        Source missing = daily("query: SELECT id AS order_id FROM orders WHERE day = :start\nkey: id");
        Source json = daily("query: SELECT to_jsonb(o) AS doc FROM orders o WHERE day = :start\nkey: doc");
        Source twice = daily("query: SELECT id, id FROM orders WHERE day = :start\nkey: id");

        assertThatThrownBy(() -> pages(missing, "2026-11-02", null))
                .hasMessageContaining("source.key (t.yaml:")
                .hasMessageContaining("the query returns no column id; its columns are order_id");
        assertThatThrownBy(() -> pages(json, "2026-11-02", null))
                .hasMessageContaining("column doc is of type jsonb, which cannot order the records");
        assertThatThrownBy(() -> pages(twice, "2026-11-02", null))
                .hasMessageContaining("source.query (t.yaml:")
                .hasMessageContaining("more than one column named id");
    }

    @Test
    void a_query_postgresql_refuses_is_a_configuration_error_naming_the_field_not_the_values() {
        Source column = daily("query: SELECT id, nope FROM orders WHERE day = :start\nkey: id");
        Source type = source(
                "{type: list, values: [zz9]}",
                "type: sql\nquery: SELECT id FROM orders WHERE id = :value\nkey: id",
                "zz9");
        Source writes = daily("query: SELECT id, nextval('s') FROM orders WHERE day = :start\nkey: id");
        db.jdbi().useHandle(h -> h.execute("CREATE SEQUENCE s"));

        assertThatThrownBy(() -> pages(column, "2026-11-02", null))
                .isInstanceOf(QueryFailedException.class)
                .hasMessageContaining("source.query (t.yaml:")
                .hasMessageContaining("SQLSTATE 42703: column \"nope\" does not exist");
        assertThatThrownBy(() -> pages(type, "zz9", null))
                .isInstanceOf(QueryFailedException.class)
                .hasMessageContaining("SQLSTATE 22P02")
                .hasMessageContaining("cast the variable")
                .hasMessageNotContaining("zz9");
        assertThatThrownBy(() -> pages(writes, "2026-11-02", null))
                .isInstanceOf(QueryFailedException.class)
                .hasMessageContaining("SQLSTATE 25006")
                .hasMessageContaining("read-only transaction");
    }

    @Test
    void a_page_slower_than_the_statement_timeout_is_cancelled_and_says_which_setting_to_change() {
        Source slow = daily(
                "query: SELECT id, pg_sleep(5) FROM orders WHERE day = :start AND id < 3\nkey: id\nstatement_timeout: 200ms");

        assertThatThrownBy(() -> pages(slow, "2026-11-02", null))
                .isInstanceOf(QueryFailedException.class)
                .hasMessageContaining("ran longer than source.statement_timeout = 200ms")
                .hasMessageContaining("or raise source.statement_timeout (t.yaml:");
    }

    @Test
    void a_watermark_another_source_wrote_is_refused() {
        Source source = daily("query: SELECT * FROM orders WHERE day = :start\nkey: id");

        assertThatThrownBy(() -> pages(
                        source, "2026-11-02", Json.MAPPER.createObjectNode().put("cursor", "abc")))
                .isInstanceOf(QueryFailedException.class)
                .hasMessageContaining("was not written by a sql source");
    }
}
