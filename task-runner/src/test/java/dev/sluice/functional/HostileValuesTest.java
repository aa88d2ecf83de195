package dev.sluice.functional;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sluice.db.Database;
import dev.sluice.db.DatabaseSettings;
import dev.sluice.testing.SluiceProcess;
import dev.sluice.testing.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, class 4: an API that serves values PostgreSQL cannot store (a year +10000, 1e400000, a
 * NUL in a key, a 300 KB key, an unpaired surrogate, ...) gets them kept as dead letters by a real
 * {@code sluice run}, which exits 0 within {@code dead_letters.max} and 65 beyond it, never 70.
 */
class HostileValuesTest {
    private static final String GOOD = """
            {"id": "good-1", "ts": "2026-11-01T10:00:00Z", "amount": 12.50, "score": 0.5, "day": "2026-11-01",
             "note": "fine", "doc": {"a": [1, 2]}, "n": 7},
            {"id": "good-2", "ts": "0001-01-01T00:00:00Z", "amount": "-0.01", "day": "9999-12-31"},
            {"id": "good-3", "note": "caf\\u00e9 \\ud83c\\udf89"}""";

    /** Each bad record, with the column its error must name; in a fixed order, so every run serves the same page. */
    private static final Map<String, String> BAD = new java.util.TreeMap<>(Map.of(
            "{\"id\": \"ts-year-10000\", \"ts\": \"+10000-01-01T00:00:00Z\"}",
            "column ts ($.ts)",
            "{\"id\": \"amount-1e400000\", \"amount\": 1e400000}",
            "column amount ($.amount)",
            "{\"id\": \"amount-minus\", \"amount\": -1e400000}",
            "column amount ($.amount)",
            "{\"id\": \"k\\u0000ey\"}",
            "column id ($.id)",
            "{\"id\": \"" + "k".repeat(300_000) + "\"}",
            "the key (id) takes 300000 bytes",
            "{\"id\": \"note-surrogate\", \"note\": \"a\\ud800\"}",
            "column note ($.note)",
            "{\"id\": \"score-overflow\", \"score\": 1e400000}",
            "column score ($.score)",
            "{\"id\": \"day-feb-30\", \"day\": \"2026-02-30\"}",
            "column day ($.day)",
            "{\"id\": \"doc-nul\", \"doc\": {\"a\": \"\\u0000\"}}",
            "column doc ($.doc)",
            "{\"id\": \"n-1e999999999\", \"n\": 1e999999999}",
            "column n ($.n)"));

    private static WireMockServer api;
    private static DatabaseSettings settings;
    private static Database database;

    @BeforeAll
    static void start() {
        api = new WireMockServer(options().dynamicPort());
        api.start();
        api.stubFor(get(urlPathEqualTo("/records"))
                .willReturn(okJson("{\"data\": [" + GOOD + ", " + String.join(", ", BAD.keySet()) + "]}")));
        settings = TestPostgres.freshDatabase("hostile");
        database = Database.open(settings, "test");
    }

    @AfterAll
    static void stop() {
        database.close();
        api.stop();
    }

    private static Path spec(String table, long max) throws IOException {
        Path file = Files.createTempDirectory("hostile").resolve(table + ".yaml");
        Files.writeString(file, """
                job: %s
                partitions: {type: list, values: [p1]}
                source: {type: http, url: "%s/records", records: $.data}
                sink:
                  type: postgres
                  table: %s
                  key: [id]
                  columns:
                    id: {path: $.id}
                    ts: {path: $.ts, type: timestamptz}
                    amount: {path: $.amount, type: numeric}
                    score: {path: $.score, type: double}
                    day: {path: $.day, type: date}
                    note: {path: $.note}
                    doc: {path: $.doc, type: jsonb}
                    n: {path: $.n, type: bigint}
                dead_letters: {max: %d}
                """.formatted(table, api.baseUrl(), table, max));
        return file;
    }

    private static SluiceProcess.Result run(Path spec) {
        return SluiceProcess.run(TestPostgres.env(settings), "run", "--job", spec.toString(), "--partition", "p1");
    }

    @Test
    void values_that_do_not_fit_become_dead_letters_and_the_rest_is_loaded() throws IOException {
        SluiceProcess.Result run = run(spec("hostile_ok", 100));

        assertThat(run.exit()).as(run.describe()).isZero();
        assertThat(run.json().get("records").asLong()).isEqualTo(3);
        assertThat(run.json().get("dead_letters").asLong()).isEqualTo(BAD.size());
        assertThat(query("SELECT id FROM hostile_ok ORDER BY id")).containsExactly("good-1", "good-2", "good-3");
        List<String> errors = query("SELECT error FROM sluice_dead_letter WHERE job = 'hostile_ok'");
        assertThat(errors).hasSize(BAD.size());
        BAD.values()
                .forEach(column ->
                        assertThat(errors).anySatisfy(e -> assertThat(e).contains(column)));
        assertThat(errors).allSatisfy(e -> assertThat(e.length()).isLessThan(400));
        assertThat(query("SELECT record_key FROM sluice_dead_letter WHERE job = 'hostile_ok'"))
                .contains("ts-year-10000", "amount-1e400000", "k\\u0000ey")
                .anySatisfy(k -> assertThat(k).startsWith("kkkk").endsWith("(300000 characters)"));
        assertThat(query("SELECT error FROM sluice_dead_letter WHERE record_key = 'ts-year-10000'"))
                .singleElement()
                .isEqualTo("record ts-year-10000: column ts ($.ts): a JSON string of 22 characters is a timestamp "
                        + "in year 10000; years from 0001 to 9999 are stored (UTC)");
        assertThat(query("SELECT payload->>'amount' FROM sluice_dead_letter WHERE record_key = 'amount-1e400000'"))
                .as("a number jsonb cannot hold is kept as its text")
                .containsExactly("1E+400000");
    }

    @Test
    void past_dead_letters_max_the_run_exits_65_and_commits_nothing_of_the_page() throws IOException {
        SluiceProcess.Result run = run(spec("hostile_strict", 3));

        assertThat(run.exit()).as(run.describe()).isEqualTo(65);
        assertThat(run.json().get("message").asText())
                .contains("has " + BAD.size() + " dead letters, more than dead_letters.max = 3")
                .containsPattern("first: record .+?: (column|the key)");
        assertThat(run.stderr()).doesNotContain("this is a bug").doesNotContain("\tat dev.sluice");
        assertThat(query("SELECT count(*) FROM hostile_strict")).containsExactly("0");
        assertThat(query("SELECT count(*) FROM sluice_dead_letter WHERE job = 'hostile_strict'"))
                .containsExactly("0");
    }

    private static List<String> query(String sql) {
        return database.jdbi()
                .withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
    }
}
