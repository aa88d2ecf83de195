package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.Order;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice attempts} and {@code sluice dead-letters} after a run that kept dead letters: what
 * they show matches the database and the sandbox, payloads are masked and cut, bad options fail clearly.
 */
class HistoryViewsTest {
    private static final String PARTITION = "2026-11-01";
    private static JobFixture job;
    private static long bad;
    private static long apiRequests;

    @BeforeAll
    static void run_a_partition_with_dead_letters() throws Exception {
        job = JobFixture.start(
                "views",
                SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(300),
                20,
                "dead_letters: {max: 1000}");
        Path strict = job.spec().resolveSibling("required-notes.yaml");
        Files.writeString(
                strict,
                Files.readString(job.spec()).replace("note: {path: $.note}", "note: {path: $.note, required: true}"));
        SluiceProcess.Result run =
                SluiceProcess.run(job.env(), "run", "--job", strict.toString(), "--partition", PARTITION);
        assertThat(run.exit()).as(run.describe()).isZero();
        bad = job.sandbox().dataset().orders(PARTITION).stream()
                .map(Order::note)
                .filter(Objects::isNull)
                .count();
        assertThat(bad).as("the sandbox has null notes").isGreaterThan(2);
        apiRequests = job.sandbox().stats().requests();
        // An API that echoed the token into a record, and a record far larger than a screen.
        job.database().jdbi().useHandle(h -> {
            // A literal, not a bound argument: bound text is masked on its way in, and this must reach the table.
            h.execute("UPDATE sluice_dead_letter SET payload = jsonb_set(payload, '{note}', to_jsonb('echoed "
                    + JobFixture.TOKEN + "'::text)) WHERE id = (SELECT min(id) FROM sluice_dead_letter)");
            h.execute(
                    "UPDATE sluice_dead_letter SET payload = jsonb_set(payload, '{note}', to_jsonb(repeat('x', 5000)))"
                            + " WHERE id = (SELECT max(id) FROM sluice_dead_letter)");
        });
    }

    @Test
    void the_views_change_nothing() {
        String before = snapshot();

        assertThat(job.command("attempts").exit()).isZero();
        assertThat(job.command("attempts", "--json").exit()).isZero();
        assertThat(job.command("dead-letters").exit()).isZero();
        assertThat(job.command("dead-letters", "--json").exit()).isZero();

        assertThat(snapshot()).isEqualTo(before);
    }

    private static String snapshot() {
        return job.query("""
                        SELECT (SELECT md5(string_agg(p::text, ',' ORDER BY partition_key)) FROM sluice_partition p)
                            || (SELECT md5(string_agg(a::text, ',' ORDER BY partition_key, epoch)) FROM sluice_attempt a)
                            || (SELECT md5(string_agg(d::text, ',' ORDER BY id)) FROM sluice_dead_letter d) AS s""").getFirst().get("s").toString();
    }

    @Test
    void the_token_is_in_the_table_so_the_views_must_mask_it() {
        assertThat(job.query("SELECT payload::text AS p FROM sluice_dead_letter ORDER BY id LIMIT 1")
                        .getFirst()
                        .get("p")
                        .toString())
                .contains("echoed " + JobFixture.TOKEN);
    }

    @AfterAll
    static void close() {
        job.close();
    }

    @Test
    void attempts_as_json_match_the_run_and_the_sandbox() {
        SluiceProcess.Result out = job.command("attempts", "--json");

        assertThat(out.exit()).as(out.describe()).isZero();
        JsonNode attempts = out.json().get("attempts");
        assertThat(attempts).hasSize(1);
        JsonNode attempt = attempts.get(0);
        assertThat(attempt.get("partition").asText()).isEqualTo(PARTITION);
        assertThat(attempt.get("epoch").asLong()).isEqualTo(1);
        assertThat(attempt.get("status").asText()).isEqualTo("done");
        assertThat(attempt.get("exit_code").asInt()).isZero();
        assertThat(attempt.get("pages").asLong()).isEqualTo(15);
        assertThat(attempt.get("records").asLong()).isEqualTo(300 - bad);
        assertThat(attempt.get("dead_letters").asLong()).isEqualTo(bad);
        assertThat(attempt.get("api_calls").asLong())
                .as("the sandbox's own count")
                .isEqualTo(apiRequests);
    }

    @Test
    void attempts_as_a_table_have_a_header_and_a_row_per_attempt() {
        SluiceProcess.Result out = job.command("attempts", "--partition", PARTITION);

        assertThat(out.exit()).as(out.describe()).isZero();
        assertThat(out.stdout()).hasSize(2);
        assertThat(out.stdout().get(0)).startsWith("PARTITION").contains("STATUS", "EXIT", "RECORDS", "DEAD");
        assertThat(out.stdout().get(1).split("\\s+"))
                .startsWith(
                        PARTITION,
                        "1",
                        "done",
                        "0",
                        "15",
                        String.valueOf(300 - bad),
                        String.valueOf(apiRequests),
                        String.valueOf(bad));
    }

    @Test
    void dead_letters_as_json_are_masked_and_cut() {
        SluiceProcess.Result out = job.command("dead-letters", "--json", "--partition", PARTITION);

        assertThat(out.exit()).as(out.describe()).isZero();
        assertThat(String.join("\n", out.stdout())).doesNotContain(JobFixture.TOKEN);
        JsonNode letters = out.json().get("dead_letters");
        assertThat(letters).hasSize((int) bad);
        for (JsonNode letter : letters) {
            assertThat(letter.get("error").asText()).contains("column note ($.note) is missing or null");
            assertThat(letter.get("payload_excerpt").asText()).hasSizeLessThanOrEqualTo(201);
            assertThat(letter.get("position").isObject()
                            || letter.get("position").isNull())
                    .isTrue();
        }
        JsonNode newest = letters.get(0);
        assertThat(newest.get("payload_chars").asInt()).isGreaterThan(5000);
        assertThat(newest.get("payload_excerpt").asText()).endsWith("…");
        JsonNode oldest = letters.get(letters.size() - 1);
        assertThat(oldest.get("payload_excerpt").asText()).contains("echoed ****");
        assertThat(oldest.get("record_key").asText()).isNotBlank();
    }

    @Test
    void dead_letters_as_a_table_are_masked_and_limited() {
        SluiceProcess.Result all = job.command("dead-letters", "--limit", "1000");
        SluiceProcess.Result two = job.command("dead-letters", "--limit", "2");

        assertThat(all.exit()).as(all.describe()).isZero();
        assertThat(all.stdout()).hasSize((int) bad + 1);
        assertThat(all.stdout().get(0)).contains("ID", "RECORD KEY", "ERROR", "PAYLOAD");
        assertThat(String.join("\n", all.stdout()))
                .doesNotContain(JobFixture.TOKEN)
                .contains("echoed ****");
        assertThat(two.stdout()).hasSize(3);
    }

    @Test
    void another_partition_has_nothing_to_show() {
        SluiceProcess.Result out = job.command("dead-letters", "--json", "--partition", "2026-11-02");

        assertThat(out.exit()).as(out.describe()).isZero();
        assertThat(out.json().get("dead_letters")).isEmpty();
    }

    @Test
    void bad_options_fail_with_a_usage_error_that_says_what_to_fix() {
        SluiceProcess.Result limit = job.command("attempts", "--limit", "0");
        SluiceProcess.Result partition = job.command("dead-letters", "--partition", "yesterday");

        assertThat(limit.exit()).as(limit.describe()).isEqualTo(64);
        assertThat(limit.json().get("message").asText()).contains("--limit must be between 1 and 10000, not 0");
        assertThat(partition.exit()).as(partition.describe()).isEqualTo(64);
        assertThat(partition.json().get("message").asText()).contains("yesterday");
    }
}
