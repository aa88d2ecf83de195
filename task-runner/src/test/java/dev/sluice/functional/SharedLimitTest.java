package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxStats;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Issue #3's acceptance: real `sluice run` processes sharing limits against the strict sandbox. */
class SharedLimitTest {
    private static final List<String> DAYS = List.of(
            "2026-11-01",
            "2026-11-02",
            "2026-11-03",
            "2026-11-04",
            "2026-11-05",
            "2026-11-06",
            "2026-11-07",
            "2026-11-08");

    private static List<SluiceProcess.Result> runAll(JobFixture job, List<String> partitions) {
        List<SluiceProcess> running = new ArrayList<>();
        for (String p : partitions) {
            running.add(job.start(p, Map.of()));
        }
        return running.stream().map(p -> p.await(Duration.ofMinutes(3))).toList();
    }

    /**
     * Correctness only: no 429, exact rows, the limit really shared (all 8 processes were calling at
     * once). How much of the limit they use is a measurement, not an assertion: `make bench-limits`
     * reports it (utilisation while all 8 run, over the API's busy span and over the wall time).
     */
    @Test
    void eight_processes_sharing_a_limit_never_trip_it_and_load_exactly_the_apis_rows() {
        SandboxConfig api = SandboxConfig.defaults().withLimits("window:50/1s").withRecordsPerPartition(2500);
        try (JobFixture job = JobFixture.start("eight", api, 10, "limits: [{name: shop-api, rates: [50/1s]}]")) {
            List<SluiceProcess.Result> results = runAll(job, DAYS);

            results.forEach(r -> assertThat(r.exit()).as(r.describe()).isZero());
            SandboxStats stats = job.sandbox().stats();
            System.out.printf(
                    "8 processes, limit 50/1s: %d calls from %s to %s, %d answered 429, peak %d/s%n",
                    stats.admitted(),
                    stats.firstRequest(),
                    stats.lastRequest(),
                    stats.rateLimited(),
                    stats.peakAdmittedPerSecond());
            assertThat(stats.rateLimited()).as("429s").isZero();
            assertThat(allRunningAtOnce(job))
                    .as("the last process started before the first one finished: all 8 shared the limit")
                    .isTrue();
            for (String day : DAYS) {
                assertThat(job.tableRows(day)).isEqualTo(job.expectedRows(day));
            }
        }
    }

    /**
     * Issue 11 §6's over-admission test: at a rate where each process may take permits in batches
     * (the bucket holds several), 8 processes against the sandbox's strict window at exactly the
     * configured rate get no 429, and no second of the API sees more than the rate.
     */
    @Test
    void eight_processes_taking_batched_permits_never_trip_a_strict_limit_at_the_configured_rate() {
        SandboxConfig api = SandboxConfig.defaults().withLimits("window:300/1s").withRecordsPerPartition(2000);
        try (JobFixture job = JobFixture.start("batched", api, 10, "limits: [{name: batched-api, rates: [300/1s]}]")) {
            List<SluiceProcess.Result> results = runAll(job, DAYS);

            results.forEach(r -> assertThat(r.exit()).as(r.describe()).isZero());
            SandboxStats stats = job.sandbox().stats();
            System.out.printf(
                    "8 processes, limit 300/1s: %d calls, %d answered 429, peak %d/s%n",
                    stats.admitted(), stats.rateLimited(), stats.peakAdmittedPerSecond());
            assertThat(stats.rateLimited()).as("429s").isZero();
            assertThat(stats.peakAdmittedPerSecond())
                    .as("busiest second at the API")
                    .isLessThanOrEqualTo(300);
            for (String day : DAYS) {
                assertThat(job.tableRows(day)).isEqualTo(job.expectedRows(day));
            }
        }
    }

    @Test
    void an_api_outage_opens_the_shared_breaker_and_every_partition_stops_within_a_few_calls() {
        SandboxConfig api = SandboxConfig.defaults().withLimits("window:100/1s").withRecordsPerPartition(400);
        String spec = """
                limits: [{name: outage-api, rates: [40/1s]}]
                retry: {max_attempts: 4, initial_delay: 100ms, max_delay: 400ms}
                breaker: {failure_threshold: 5, open_for: 4s}
                """;
        try (JobFixture job = JobFixture.start("outage", api, 10, spec)) {
            List<String> partitions = DAYS.subList(0, 4);
            List<SluiceProcess> running =
                    partitions.stream().map(p -> job.start(p, Map.of())).toList();
            job.awaitCommittedPages(20);
            long before = job.sandbox().stats().requests();
            job.sandbox().outage(Duration.ofSeconds(6));

            List<SluiceProcess.Result> results =
                    running.stream().map(p -> p.await(Duration.ofMinutes(1))).toList();
            long duringOutage = job.sandbox().stats().requests() - before;

            results.forEach(r -> {
                assertThat(r.exit()).as(r.describe()).isEqualTo(75);
                assertThat(r.json().get("status").asText()).isEqualTo("retry_later");
            });
            System.out.println(
                    "outage: " + duringOutage + " calls reached the API from 4 partitions before they all stopped");
            assertThat(duringOutage)
                    .as("calls during the outage, all partitions together")
                    .isLessThanOrEqualTo(4 * 3);
            assertThat(results)
                    .anySatisfy(
                            r -> assertThat(r.json().get("message").asText()).contains("breaker"));

            JsonNode resume = results.stream()
                    .map(SluiceProcess.Result::json)
                    .filter(j -> j.has("resume_at"))
                    .findFirst()
                    .orElseThrow()
                    .get("resume_at");
            sleepUntil(Instant.parse(resume.asText()).plusSeconds(3));
            List<SluiceProcess.Result> reruns = runAll(job, partitions);
            reruns.forEach(r -> assertThat(r.exit()).as(r.describe()).isZero());
            for (String day : partitions) {
                assertThat(job.tableRows(day)).isEqualTo(job.expectedRows(day));
            }
        }
    }

    @Test
    void a_used_up_quota_checkpoints_exits_75_with_resume_at_and_the_run_after_the_refill_resumes() {
        SandboxConfig api = SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(300);
        String spec = "limits: [{name: quota-api, rates: [100/1s], quotas: [20/15s], max_wait: 1s}]";
        try (JobFixture job = JobFixture.start("quota", api, 10, spec)) {
            sleepUntil(nextBoundary(Duration.ofSeconds(15)).plusMillis(200));

            SluiceProcess.Result first = job.run("2026-11-01");

            assertThat(first.exit()).as(first.describe()).isEqualTo(75);
            JsonNode summary = first.json();
            Instant resumeAt = Instant.parse(summary.get("resume_at").asText());
            assertThat(resumeAt)
                    .isBetween(
                            nextBoundary(Duration.ofSeconds(15)).minusMillis(500),
                            nextBoundary(Duration.ofSeconds(15)).plusMillis(500));
            // Exactly the quota: a unit whose reserved moment a descheduled process missed goes back
            // to the quota in its next take (V10); before, 16-19 of 20 at load 5-10.
            long firstPages = summary.get("pages").asLong();
            assertThat(firstPages).isEqualTo(20);
            assertThat(job.tableRows("2026-11-01")).hasSize((int) firstPages * 10);

            sleepUntil(resumeAt.plusMillis(300));
            SluiceProcess.Result second = job.run("2026-11-01");

            assertThat(second.exit()).as(second.describe()).isZero();
            assertThat(second.json().get("pages").asLong())
                    .as("resumed from the watermark: the pages left")
                    .isEqualTo(30 - firstPages);
            assertThat(job.tableRows("2026-11-01")).isEqualTo(job.expectedRows("2026-11-01"));
            assertThat(job.sandbox().stats().admitted())
                    .as("the first run's calls, then the pages left: none twice")
                    .isEqualTo(30);
        }
    }

    /**
     * Old limit 2/1s (at most 2 permits in any second), new 40/1s. Before the change no second saw
     * more than twice the old limit; after it, within a minute, one did: more than the old limit
     * could ever let through, so the running process follows the new one. How fast it then goes
     * depends on the machine (a loaded CI machine managed 9 pages in its busiest second).
     */
    @Test
    void changing_a_limit_in_the_spec_takes_effect_for_processes_already_running() throws Exception {
        SandboxConfig api = SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(4000);
        try (JobFixture job = JobFixture.start("change", api, 10, "limits: [{name: change-api, rates: [2/1s]}]")) {
            SluiceProcess slow = job.start("2026-11-01", Map.of());
            job.awaitCommittedPages(6);

            // Another job naming the same limit starts with a new configuration (its own call fails at once: 404).
            Path faster = job.spec().resolveSibling("faster.yaml");
            Files.writeString(
                    faster,
                    Files.readString(job.spec())
                            .replace("[2/1s]", "[40/1s]")
                            .replace("/v1/orders", "/v1/missing")
                            .replace("job: change", "job: other"));
            long changedAt = Instant.now().getEpochSecond();
            SluiceProcess.Result change =
                    SluiceProcess.run(job.env(), "run", "--job", faster.toString(), "--partition", "2026-11-02");
            long before = busiestSecond(job.sandbox().stats(), Long.MIN_VALUE, changedAt);
            Awaitility.await("a second with more calls than twice the old limit")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> busiestSecond(job.sandbox().stats(), changedAt + 1, Long.MAX_VALUE) > 2 * 2);
            long after = busiestSecond(job.sandbox().stats(), changedAt + 1, Long.MAX_VALUE);
            SluiceProcess.Result slowRun = slow.kill();
            System.out.println("slow run: " + slowRun.describe());

            System.out.printf("limit change: busiest second %d calls before, %d after%n", before, after);
            assertThat(change.exit()).as(change.describe()).isEqualTo(78);
            assertThat(change.stderr()).contains("limit change-api (version 2");
            assertThat(before).as("busiest second under the old limit").isBetween(1L, 2L * 2);
        }
    }

    /** True when the last attempt started before the first one finished (as recorded in sluice_attempt). */
    private static boolean allRunningAtOnce(JobFixture job) {
        return job.query("SELECT max(started_at) < min(finished_at) AS overlap FROM sluice_attempt")
                .getFirst()
                .get("overlap")
                .equals(Boolean.TRUE);
    }

    /** The most calls the API admitted in one epoch second of [from, to). */
    private static long busiestSecond(SandboxStats stats, long from, long to) {
        return stats.admittedPerSecond().subMap(from, to).values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
    }

    private static Instant nextBoundary(Duration period) {
        long ms = period.toMillis();
        return Instant.ofEpochMilli((System.currentTimeMillis() / ms + 1) * ms);
    }

    private static void sleepUntil(Instant at) {
        if (!Instant.now().isBefore(at)) {
            return;
        }
        Awaitility.await("the clock reaches " + at)
                .atMost(Duration.between(Instant.now(), at).plusSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> !Instant.now().isBefore(at));
    }
}
