package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exit 70 is kept for bugs, and a bug always leaves its stack trace in the log, whether it
 * happens inside a partition's attempt, before the attempt starts, or in another command. The
 * bugs here are provoked by breaking the database under Sluice.
 */
class BugExitTest {
    /** The JSON log (the default format) carries a logged exception's whole stack trace. */
    private static final java.util.Map<String, String> JSON_LOG = java.util.Map.of("SLUICE_LOG_FORMAT", "json");

    private static void assertBugWithStackTrace(SluiceProcess.Result result, String sqlState) {
        assertThat(result.exit()).as(result.describe()).isEqualTo(70);
        assertThat(result.json().get("message").asText()).contains(sqlState);
        assertThat(result.stderr())
                .contains("this is a bug")
                .contains("\"stack_trace\":")
                .contains("\\tat dev.sluice."); // a frame of Sluice's code, its tab escaped by the JSON
    }

    @Test
    void a_database_failure_inside_an_attempt_exits_70_with_its_stack_trace() {
        try (JobFixture job = JobFixture.start(
                "bugexit", SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(20), 10, "")) {
            assertThat(job.run("2026-11-01").exit()).isZero();
            job.database().jdbi().useHandle(h -> h.execute("""
                    CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN RAISE EXCEPTION 'refused by a trigger'; END $$;
                    CREATE TRIGGER refuse BEFORE INSERT ON bugexit_orders FOR EACH ROW EXECUTE FUNCTION refuse()"""));

            SluiceProcess.Result run = job.start("2026-11-02", JSON_LOG).await(Duration.ofMinutes(2));

            assertBugWithStackTrace(run, "P0001");
        }
    }

    @Test
    void a_database_failure_before_the_attempt_and_in_other_commands_exits_70_with_its_stack_trace() {
        try (JobFixture job = JobFixture.start(
                "bugearly", SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(20), 10, "")) {
            job.database().jdbi().useHandle(h -> h.execute("ALTER TABLE sluice_partition RENAME TO gone"));

            SluiceProcess.Result run = job.start("2026-11-01", JSON_LOG).await(Duration.ofMinutes(2));
            SluiceProcess.Result status = SluiceProcess.run(
                    job.env("SLUICE_LOG_FORMAT", "json"),
                    "status",
                    "--job",
                    job.spec().toString());

            assertBugWithStackTrace(run, "42P01");
            assertBugWithStackTrace(status, "42P01");
            assertThat(status.json().get("message").asText())
                    .as("the statement's bound values stay out of the message")
                    .doesNotContain("arguments");
        }
    }
}
