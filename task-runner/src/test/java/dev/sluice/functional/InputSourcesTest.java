package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.InputJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The sql and file sources as a pull job's {@code source:}, in real {@code sluice run} processes
 * into the postgres sink: exact rows, bad lines kept as dead letters, the sql source reading
 * another job's sink table.
 */
class InputSourcesTest {
    private static final String SINK = """
            sink:
              type: postgres
              table: orders_in
              key: [id]
              columns:
                id: {path: $.id, type: bigint}
                customer_id: {path: $.customer_id, type: bigint}
                amount: {path: $.amount, type: numeric}
                note: {path: $.note}
                updated_at: {path: $.updated_at, type: timestamptz}
            """;

    /** One order line of JSON, numbered from 1. */
    static String jsonOrder(String partition, int i) {
        return "{\"id\": " + id(partition, i) + ", \"customer_id\": " + (i % 37) + ", \"amount\": " + i + ".10, "
                + "\"note\": \"note \\\"" + i + "\\\"\", \"updated_at\": \"2026-11-01T00:00:"
                + String.format("%02d", i % 60)
                + "Z\"}";
    }

    /** The row {@link #jsonOrder} becomes. */
    static String row(String partition, int i) {
        return id(partition, i) + " | " + (i % 37) + " | " + i + ".10 | note \"" + i + "\" | " + partition;
    }

    private static long id(String partition, int i) {
        return (partition.equals("us") ? 1_000_000L : 0) + i;
    }

    private static String jsonl(String partition, int count) {
        StringBuilder text = new StringBuilder();
        IntStream.rangeClosed(1, count)
                .forEach(i -> text.append(jsonOrder(partition, i)).append('\n'));
        return text.toString();
    }

    private static List<String> rows(String partition, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> row(partition, i)).toList();
    }

    private static List<String> table(InputJob job) {
        return job.rows("SELECT id, customer_id, amount, note, _sluice_partition FROM orders_in ORDER BY id");
    }

    private static Path fileJob(InputJob job, String extra) {
        return job.write("orders.yaml", """
                job: orders_in
                partitions: {type: list, values: [eu, us]}
                source: {type: file, path: "orders-{partition}.jsonl", key: id, page_size: 100}
                %s
                %s""".formatted(SINK, extra));
    }

    @Test
    void a_jsonl_file_loads_every_record_once_and_keeps_bad_lines_as_dead_letters() {
        try (InputJob job = InputJob.start("filejsonl")) {
            String lines = jsonl("eu", 2500);
            job.write(
                    "orders-eu.jsonl",
                    lines.replace(jsonOrder("eu", 100) + "\n", jsonOrder("eu", 100) + "\n{\"id\": 1, oops}\n")
                            + "{\"customer_id\": 3}\n");
            Path spec = fileJob(job, "dead_letters: {max: 5}");

            SluiceProcess.Result run = job.run(spec, "eu");
            SluiceProcess.Result again = job.run(spec, "eu");

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("records").asLong()).isEqualTo(2500);
            assertThat(run.json().get("dead_letters").asLong()).isEqualTo(2);
            assertThat(table(job)).isEqualTo(rows("eu", 2500));
            assertThat(job.rows("SELECT error FROM sluice_dead_letter ORDER BY id"))
                    .satisfiesExactly(
                            e -> assertThat(e).startsWith("line 101: not valid JSON: Unexpected character ('o'"),
                            e -> assertThat(e).isEqualTo("line 2502: the record has no id (the key), or it is null"));
            assertThat(job.rows("SELECT payload->>'text' FROM sluice_dead_letter ORDER BY id"))
                    .containsExactly("{\"id\": 1, oops}", "{\"customer_id\": 3}");
            assertThat(again.exit()).isZero();
            assertThat(again.json().get("status").asText()).isEqualTo("already_complete");
        }
    }

    @Test
    void bad_lines_beyond_dead_letters_max_stop_the_run_with_65_and_their_page_is_not_committed() {
        try (InputJob job = InputJob.start("filebad")) {
            job.write(
                    "orders-eu.jsonl",
                    jsonl("eu", 250) + "not json\n"
                            + jsonl("eu", 300).substring(jsonl("eu", 250).length()));
            Path spec = fileJob(job, "");

            SluiceProcess.Result run = job.run(spec, "eu");

            assertThat(run.exit()).as(run.describe()).isEqualTo(65);
            assertThat(run.json().get("message").asText())
                    .contains("line 251: not valid JSON")
                    .contains("more than dead_letters.max = 0");
            assertThat(table(job)).isEqualTo(rows("eu", 200));
        }
    }

    @Test
    void a_csv_file_with_quoted_delimiters_quotes_and_line_breaks_loads_into_typed_columns() {
        try (InputJob job = InputJob.start("filecsv")) {
            StringBuilder csv = new StringBuilder("id,customer_id,amount,note,updated_at\r\n");
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 1200; i++) {
                String note = i % 3 == 0 ? "\"a, \"\"quoted\"\"\r\nnote " + i + "\"" : i % 3 == 1 ? "" : "plain " + i;
                csv.append(i)
                        .append(',')
                        .append(i % 37)
                        .append(',')
                        .append(i)
                        .append(".10,")
                        .append(note)
                        .append(",2026-11-01T00:00:00Z\r\n");
                String shown = i % 3 == 0 ? "a, \"quoted\"\r\nnote " + i : i % 3 == 1 ? "null" : "plain " + i;
                expected.add(i + " | " + (i % 37) + " | " + i + ".10 | " + shown + " | eu");
            }
            job.write("orders-eu.csv", csv.toString());
            Path spec = job.write("orders.yaml", """
                    job: orders_in
                    partitions: {type: list, values: [eu]}
                    source: {type: file, path: "orders-{partition}.csv", key: id, page_size: 100}
                    """ + SINK);

            SluiceProcess.Result run = job.run(spec, "eu");

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("pages").asLong()).isEqualTo(12);
            assertThat(table(job)).isEqualTo(expected);
        }
    }

    @Test
    void a_sql_source_reads_another_job_s_sink_table_partition_by_partition() {
        try (InputJob job = InputJob.start("sqlcopy")) {
            job.write("orders-eu.jsonl", jsonl("eu", 700));
            job.write("orders-us.jsonl", jsonl("us", 400));
            Path orders = fileJob(job, "");
            Path totals = job.write("totals.yaml", """
                    job: customer_totals
                    partitions: {type: list, values: [eu, us]}
                    source:
                      type: sql
                      query: |
                        SELECT customer_id, count(*) AS orders, sum(amount) AS total, max(updated_at) AS last_at
                        FROM orders_in
                        WHERE _sluice_partition = :partition   -- bound, never spliced
                        GROUP BY customer_id
                      key: customer_id
                      page_size: 7
                    sink:
                      type: postgres
                      table: customer_totals
                      key: [partition_key, customer_id]
                      columns:
                        partition_key: {path: $.partition_key}
                        customer_id: {path: $.customer_id, type: bigint}
                        orders: {path: $.orders, type: bigint}
                        total: {path: $.total, type: numeric}
                        last_at: {path: $.last_at, type: timestamptz}
                    """.replace(
                            "SELECT customer_id,", "SELECT :partition::text AS partition_key, customer_id,"));
            for (String partition : List.of("eu", "us")) {
                assertThat(job.run(orders, partition).exit()).isZero();
            }

            List<SluiceProcess.Result> runs = List.of(job.run(totals, "eu"), job.run(totals, "us"));

            assertThat(runs)
                    .allSatisfy(r -> assertThat(r.exit()).as(r.describe()).isZero());
            assertThat(runs.getFirst().json().get("records").asLong()).isEqualTo(37);
            assertThat(runs.getFirst().json().get("pages").asLong()).isEqualTo(6);
            assertThat(job.rows("SELECT partition_key, customer_id, orders, total, last_at FROM customer_totals "
                            + "ORDER BY partition_key, customer_id"))
                    .hasSize(74)
                    .isEqualTo(job.rows("SELECT _sluice_partition, customer_id, count(*), sum(amount), max(updated_at) "
                            + "FROM orders_in GROUP BY 1, 2 ORDER BY 1, 2"));
        }
    }
}
