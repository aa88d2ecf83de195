package dev.sluice.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.sandbox.Faults;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rule 1 and leases: two attempts of one partition never both commit a page. A stale attempt
 * (frozen with SIGSTOP past its lease, like a worker that lost its node) is fenced out by the
 * epoch of the attempt that took over, and exits 75 without writing.
 */
class FencingTest {
    private static final String PARTITION = "2026-11-01";
    private static final int PAGES = 200;

    @Test
    void a_stale_attempt_is_fenced_out_and_writes_nothing_after_a_takeover() throws Exception {
        SandboxConfig slowApi = SandboxConfig.defaults()
                .withLimits(List.of())
                .withRecordsPerPartition(PAGES * 10)
                .withFaults(Faults.NONE.withLatency(Duration.ofMillis(150), Duration.ZERO));
        try (JobFixture job = JobFixture.start("fencing", slowApi, 10, "runner: {lease_ttl: 3s}")) {
            SluiceProcess stale = job.start(PARTITION, Map.of());
            await().atMost(Duration.ofMinutes(1)).until(() -> committedPages(job) >= 5);
            signal("STOP", stale.pid());
            long frozenAt = committedPages(job);

            SluiceProcess takeover = job.start(PARTITION, Map.of());
            await().atMost(Duration.ofSeconds(30)).until(() -> epoch(job) == 2);
            job.sandbox().reconfigure(c -> c.withFaults(Faults.NONE));
            SluiceProcess.Result second = takeover.await(Duration.ofMinutes(2));
            signal("CONT", stale.pid());
            SluiceProcess.Result first = stale.await(Duration.ofMinutes(1));

            assertThat(second.exit()).as(second.describe()).isZero();
            assertThat(first.exit()).as(first.describe()).isEqualTo(75);
            assertThat(first.json().get("message").asText()).containsAnyOf("fenced out", "taken over");
            var attempts = job.query("SELECT epoch, pages, records, status FROM sluice_attempt ORDER BY epoch");
            assertThat(attempts).extracting(a -> a.get("epoch")).containsExactly(1L, 2L);
            long pagesByStale = (Long) attempts.get(0).get("pages");
            long pagesByTakeover = (Long) attempts.get(1).get("pages");
            assertThat(pagesByStale)
                    .as("the stale attempt committed only before it froze")
                    .isEqualTo(frozenAt);
            assertThat(pagesByStale + pagesByTakeover)
                    .as("each page committed exactly once")
                    .isEqualTo(PAGES);
            assertThat(job.query("SELECT count(*) AS n FROM " + job.table() + " WHERE _sluice_attempt = 1")
                            .getFirst()
                            .get("n"))
                    .isEqualTo(attempts.get(0).get("records"));
            assertThat(job.tableRows(PARTITION)).isEqualTo(job.expectedRows(PARTITION));
        }
    }

    @Test
    void of_two_attempts_started_together_one_runs_and_the_other_waits_then_finds_it_done() {
        SandboxConfig api = SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(500);
        try (JobFixture job = JobFixture.start("together", api, 10, "runner: {lease_ttl: 3s, lease_wait: 2m}")) {
            SluiceProcess a = job.start(PARTITION, Map.of());
            SluiceProcess b = job.start(PARTITION, Map.of());
            SluiceProcess.Result ra = a.await(Duration.ofMinutes(2));
            SluiceProcess.Result rb = b.await(Duration.ofMinutes(2));

            assertThat(List.of(ra.exit(), rb.exit())).containsOnly(0);
            assertThat(List.of(
                            ra.json().get("status").asText(),
                            rb.json().get("status").asText()))
                    .containsExactlyInAnyOrder("done", "already_complete");
            assertThat(job.sandbox().stats().requests())
                    .as("no page fetched twice")
                    .isEqualTo(50);
            assertThat(job.tableRows(PARTITION)).isEqualTo(job.expectedRows(PARTITION));
        }
    }

    @Test
    void a_waiting_attempt_gives_up_with_75_when_the_lease_stays_held() {
        SandboxConfig slowApi = SandboxConfig.defaults()
                .withLimits(List.of())
                .withRecordsPerPartition(2000)
                .withFaults(Faults.NONE.withLatency(Duration.ofMillis(100), Duration.ZERO));
        try (JobFixture job = JobFixture.start("held", slowApi, 10, "runner: {lease_ttl: 3s, lease_wait: 2s}")) {
            SluiceProcess running = job.start(PARTITION, Map.of());
            await().atMost(Duration.ofMinutes(1)).until(() -> committedPages(job) >= 1);

            SluiceProcess.Result blocked = job.run(PARTITION);
            running.kill();

            assertThat(blocked.exit()).as(blocked.describe()).isEqualTo(75);
            assertThat(blocked.json().get("message").asText())
                    .contains("is being run by")
                    .contains("lease valid until");
        }
    }

    private static long committedPages(JobFixture job) {
        var rows = job.query("SELECT pages FROM sluice_partition WHERE partition_key = '" + PARTITION + "'");
        return rows.isEmpty() ? 0 : (Long) rows.getFirst().get("pages");
    }

    private static long epoch(JobFixture job) {
        var rows = job.query("SELECT epoch FROM sluice_partition WHERE partition_key = '" + PARTITION + "'");
        return rows.isEmpty() ? 0 : (Long) rows.getFirst().get("epoch");
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(pid))
                        .start()
                        .waitFor())
                .isZero();
    }
}
