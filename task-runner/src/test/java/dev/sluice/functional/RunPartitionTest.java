package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole partitions through real `sluice run` processes against the sandbox and PostgreSQL. */
class RunPartitionTest {
    private static JobFixture job;

    @BeforeAll
    static void start() {
        job = JobFixture.start(
                "runpartition", SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(250), 20, "");
    }

    @AfterAll
    static void stop() {
        job.close();
    }

    @Test
    void a_partition_lands_exactly_the_apis_records_and_says_so_on_the_last_line() {
        SluiceProcess.Result run = job.run("2026-11-01");

        assertThat(run.exit()).as(run.describe()).isZero();
        JsonNode summary = run.json();
        assertThat(summary.get("status").asText()).isEqualTo("done");
        assertThat(summary.get("records").asLong()).isEqualTo(250);
        assertThat(summary.get("pages").asLong()).isEqualTo(13);
        assertThat(summary.get("api_calls").asLong()).isEqualTo(13);
        assertThat(summary.get("trace_id").asText()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
        assertThat(job.tableRows("2026-11-01")).isEqualTo(job.expectedRows("2026-11-01"));
    }

    @Test
    void a_completed_partition_is_a_no_op_on_rerun() {
        assertThat(job.run("2026-11-02").exit()).isZero();
        long requests = job.sandbox().stats().requests();

        SluiceProcess.Result again = job.run("2026-11-02");

        assertThat(again.exit()).isZero();
        assertThat(again.json().get("status").asText()).isEqualTo("already_complete");
        assertThat(again.json().get("api_calls").asLong()).isZero();
        assertThat(job.sandbox().stats().requests()).isEqualTo(requests);
    }

    @Test
    void force_reprocesses_a_done_partition_and_the_table_stays_exact() {
        assertThat(job.run("2026-11-03").exit()).isZero();

        SluiceProcess.Result forced = job.run("2026-11-03", "--force");

        assertThat(forced.exit()).as(forced.describe()).isZero();
        assertThat(forced.json().get("status").asText()).isEqualTo("done");
        assertThat(forced.json().get("api_calls").asLong()).isEqualTo(13);
        assertThat(job.query("SELECT DISTINCT _sluice_attempt FROM " + job.table()
                        + " WHERE _sluice_partition = '2026-11-03'"))
                .containsExactly(Map.of("_sluice_attempt", 2L));
        assertThat(job.tableRows("2026-11-03")).isEqualTo(job.expectedRows("2026-11-03"));
        assertThat(job.query("SELECT count(*) AS n FROM " + job.table() + " WHERE _sluice_partition = '2026-11-03'"))
                .containsExactly(Map.of("n", 250L));
    }

    @Test
    void reset_rewinds_a_partition_and_the_next_run_reprocesses_it_exactly() {
        assertThat(job.run("2026-11-04").exit()).isZero();

        SluiceProcess.Result reset = job.command("reset", "--partition", "2026-11-04");
        SluiceProcess.Result rerun = job.run("2026-11-04");

        assertThat(reset.exit()).as(reset.describe()).isZero();
        assertThat(reset.json().get("reset").get(0).get("was").asText()).isEqualTo("done");
        assertThat(rerun.json().get("status").asText()).isEqualTo("done");
        assertThat(rerun.json().get("api_calls").asLong()).isEqualTo(13);
        assertThat(job.query("SELECT count(*) AS n FROM " + job.table() + " WHERE _sluice_partition = '2026-11-04'"))
                .containsExactly(Map.of("n", 250L));
    }

    @Test
    void status_shows_each_partitions_state_and_watermark() {
        assertThat(job.run("2026-11-05").exit()).isZero();

        SluiceProcess.Result status = job.command("status", "--partition", "2026-11-05");

        JsonNode partition = status.json().get("partitions").get(0);
        assertThat(partition.get("state").asText()).isEqualTo("done");
        assertThat(partition.get("records").asLong()).isEqualTo(250);
        assertThat(partition.get("watermark").get("next").isNull()).isTrue();
    }

    @Test
    void airflow_context_is_recorded_with_the_attempt() {
        var run = SluiceProcess.start(
                        job.env(
                                "AIRFLOW_CTX_DAG_ID",
                                "sluice_orders",
                                "AIRFLOW_CTX_DAG_RUN_ID",
                                "manual__x",
                                "AIRFLOW_CTX_TRY_NUMBER",
                                "2",
                                "AIRFLOW_CTX_MAP_INDEX",
                                "5",
                                "TRACEPARENT",
                                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                        "run",
                        "--job",
                        job.spec().toString(),
                        "--partition",
                        "2026-11-06")
                .await(Duration.ofMinutes(2));

        assertThat(run.json().get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(
                        job.query(
                                "SELECT dag_id, run_id, try_number, map_index, trace_id FROM sluice_attempt WHERE partition_key = '2026-11-06'"))
                .containsExactly(Map.of(
                        "dag_id",
                        "sluice_orders",
                        "run_id",
                        "manual__x",
                        "try_number",
                        2,
                        "map_index",
                        5,
                        "trace_id",
                        "4bf92f3577b34da6a3ce929d0e0e4736"));
        assertThat(job.query("SELECT DISTINCT _sluice_trace_id AS t FROM " + job.table()
                        + " WHERE _sluice_partition = '2026-11-06'"))
                .containsExactly(Map.of("t", "4bf92f3577b34da6a3ce929d0e0e4736"));
    }

    @Test
    void the_api_token_never_appears_in_output() {
        SluiceProcess.Result run = job.run("2026-11-01", "--force");

        assertThat(String.join("\n", run.stdout()) + run.stderr()).doesNotContain(JobFixture.TOKEN);
    }
}
