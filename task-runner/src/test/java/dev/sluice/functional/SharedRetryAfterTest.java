package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxStats;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A 429 one process gets holds every process sharing the limit until its Retry-After is over
 * (the pause is in sluice_limit); its own class so that test forks balance (it runs ~50 s).
 */
class SharedRetryAfterTest {
    private static final List<String> DAYS = List.of("2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04");

    @Test
    void a_429s_retry_after_holds_every_process_sharing_the_limit() throws Exception {
        SandboxConfig api = SandboxConfig.defaults().withLimits("window:30/6s").withRecordsPerPartition(150);
        try (JobFixture job = JobFixture.start("retryafter", api, 10, "limits: [{name: ra-api, rates: [2/1s]}]")) {
            List<SluiceProcess> running =
                    DAYS.stream().map(p -> job.start(p, Map.of())).toList();
            job.awaitCommittedPages(3);
            int rogue = 0;
            int rogue429s = 0;
            for (int burst = 0; burst < 6 && !aRunWasToldToWait(job); burst++) {
                Burst taken = useUpTheWindow(job);
                rogue += taken.calls();
                rogue429s += taken.endedIn429() ? 1 : 0;
                Thread.sleep(2500);
            }

            List<SluiceProcess.Result> results =
                    running.stream().map(p -> p.await(Duration.ofMinutes(2))).toList();
            SandboxStats stats = job.sandbox().stats();

            long ours = results.stream()
                    .mapToLong(r -> r.json().get("http_429").asLong())
                    .sum();
            System.out.printf(
                    "Retry-After: a rogue client took %d calls; %d answered 429 (%d to sluice runs), %d requests arrived early%n",
                    rogue, stats.rateLimited(), ours, stats.earlyAfter429());
            results.forEach(r -> assertThat(r.exit()).as(r.describe()).isZero());
            assertThat(ours).as("a sluice run was told to wait").isPositive();
            // The sandbox counts a request as early when it comes before the deadline of ANY earlier
            // 429. A 429 answered to the rogue client (on a loaded machine a sluice run can take the
            // window's last call between two of the rogue's) announces a deadline no sluice run was
            // told: the next sluice call is early by that count, and is the one that tells it. Each
            // such 429 can make at most one early call; any other early call is a run ignoring a 429.
            assertThat(stats.earlyAfter429())
                    .as("requests that came before Retry-After was over (the rogue got %d 429s)", rogue429s)
                    .isLessThanOrEqualTo(rogue429s);
            for (String day : DAYS) {
                assertThat(job.tableRows(day)).isEqualTo(job.expectedRows(day));
            }
        }
    }

    /** True once a run recorded the pause a 429 asked for (in sluice_limit). */
    private static boolean aRunWasToldToWait(JobFixture job) {
        return !job.query("SELECT 1 FROM sluice_limit WHERE pause_reason LIKE '429%'")
                .isEmpty();
    }

    /**
     * Another client of the same API key takes what is left of the current window (it stops at the
     * last call). On a loaded machine the window may roll over before it is used up: keep calling,
     * up to 10 windows' worth, so the test waits for the exhaustion instead of racing the clock.
     */
    private static Burst useUpTheWindow(JobFixture job) throws Exception {
        var http = HttpClient.newHttpClient();
        var request = HttpRequest.newBuilder(URI.create(job.sandbox().baseUrl() + "/v1/orders?partition=rogue"))
                .header("Authorization", "Bearer " + JobFixture.TOKEN)
                .build();
        for (int calls = 1; calls <= 300; calls++) {
            var response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 429) {
                return new Burst(calls, true);
            }
            if (response.headers()
                    .firstValue("X-RateLimit-Remaining")
                    .orElse("1")
                    .equals("0")) {
                return new Burst(calls, false);
            }
        }
        throw new AssertionError("the window never ran out in 300 calls");
    }

    /** The rogue client's calls in one burst, and whether its last call was answered 429. */
    private record Burst(int calls, boolean endedIn429) {}
}
