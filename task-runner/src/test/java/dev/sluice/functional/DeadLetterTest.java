package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.Order;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Records that cannot be written are kept as dead letters, never skipped silently; past the limit the run stops (65). */
class DeadLetterTest {
    private static final String PARTITION = "2026-11-01";

    private static JobFixture job(String name, long max) {
        return JobFixture.start(
                name,
                SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(300),
                20,
                "dead_letters: {max: " + max + "}");
    }

    /** The spec, with notes required: the sandbox leaves some notes null. */
    private static Path requireNotes(JobFixture job) throws Exception {
        Path spec = job.spec().resolveSibling("required-notes.yaml");
        Files.writeString(
                spec,
                Files.readString(job.spec()).replace("note: {path: $.note}", "note: {path: $.note, required: true}"));
        return spec;
    }

    private static long nullNotes(JobFixture job) {
        return job.sandbox().dataset().orders(PARTITION).stream()
                .map(Order::note)
                .filter(Objects::isNull)
                .count();
    }

    @Test
    void records_that_do_not_fit_are_stored_with_their_payload_and_the_rest_is_loaded() throws Exception {
        try (JobFixture job = job("deadletters", 1000)) {
            SluiceProcess.Result run = SluiceProcess.run(
                    job.env(), "run", "--job", requireNotes(job).toString(), "--partition", PARTITION);

            long bad = nullNotes(job);
            assertThat(bad).as("the sandbox has null notes").isPositive();
            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("dead_letters").asLong()).isEqualTo(bad);
            assertThat(run.json().get("records").asLong()).isEqualTo(300 - bad);
            assertThat(job.query("SELECT count(*) AS n FROM " + job.table())
                            .getFirst()
                            .get("n"))
                    .isEqualTo(300 - bad);
            var letters = job.query(
                    "SELECT record_key, error, payload->>'id' AS payload_id, position FROM sluice_dead_letter");
            assertThat(letters).hasSize((int) bad).allSatisfy(l -> {
                assertThat(l.get("error").toString())
                        .contains("column note ($.note) is missing or null, but it is required");
                assertThat(l.get("record_key")).isEqualTo(l.get("payload_id"));
            });
        }
    }

    @Test
    void more_dead_letters_than_allowed_stop_the_run_with_65_and_commit_nothing_of_that_page() throws Exception {
        try (JobFixture job = job("toomany", 0)) {
            Path strict = requireNotes(job);
            SluiceProcess.Result run =
                    SluiceProcess.run(job.env(), "run", "--job", strict.toString(), "--partition", PARTITION);

            assertThat(run.exit()).as(run.describe()).isEqualTo(65);
            assertThat(run.json().get("message").asText())
                    .contains("dead_letters.max = 0")
                    .contains("column note ($.note) is missing or null")
                    .contains("The page was not committed");
            Matcher counted = Pattern.compile("has (\\d+) dead letters")
                    .matcher(run.json().get("message").asText());
            assertThat(counted.find()).isTrue();
            assertThat(run.json().get("dead_letters").asLong())
                    .as("the summary counts what the message counts: the refused page's dead letters")
                    .isEqualTo(Long.parseLong(counted.group(1)))
                    .isPositive();
            long pages = run.json().get("pages").asLong();
            assertThat(job.query("SELECT count(*) AS n FROM " + job.table())
                            .getFirst()
                            .get("n"))
                    .isEqualTo(pages * 20);
            assertThat(job.query("SELECT count(*) AS n FROM sluice_dead_letter")
                            .getFirst()
                            .get("n"))
                    .isEqualTo(0L);
            assertThat(job.query("SELECT state FROM sluice_partition")
                            .getFirst()
                            .get("state"))
                    .isEqualTo("failed");

            SluiceProcess.Result fixed =
                    SluiceProcess.run(job.env(), "run", "--job", job.spec().toString(), "--partition", PARTITION);

            assertThat(fixed.exit()).as(fixed.describe()).isZero();
            assertThat(fixed.json().get("pages").asLong())
                    .as("resumed at the page that failed")
                    .isEqualTo(15 - pages);
            assertThat(job.tableRows(PARTITION)).isEqualTo(job.expectedRows(PARTITION));
        }
    }
}
