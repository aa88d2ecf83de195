package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A run that only probes an open breaker reports the probe: it did call the API. */
class BreakerProbeTest {
    private static final String PARTITION = "2026-11-01";

    @Test
    void a_run_whose_only_call_was_a_failed_probe_counts_it_and_does_not_claim_it_never_called() {
        SandboxConfig api = SandboxConfig.defaults().withLimits("window:100/1s").withRecordsPerPartition(100);
        String spec = """
                limits: [{name: probe-api, rates: [50/1s]}]
                retry: {max_attempts: 3, initial_delay: 50ms, max_delay: 100ms}
                breaker: {failure_threshold: 2, open_for: 1s}
                """;
        try (JobFixture job = JobFixture.start("probe", api, 10, spec)) {
            job.sandbox().outage(Duration.ofMinutes(5));
            SluiceProcess.Result opened = job.run(PARTITION);
            assertThat(opened.exit()).as(opened.describe()).isEqualTo(75);
            Instant probeAllowed = Instant.parse(opened.json().get("resume_at").asText());
            await("the breaker's open_for has passed")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> Instant.now().isAfter(probeAllowed.plusMillis(200)));
            long before = job.sandbox().stats().requests();

            SluiceProcess.Result probed = job.run(PARTITION);

            JsonNode summary = probed.json();
            long reached = job.sandbox().stats().requests() - before;
            assertThat(probed.exit()).as(probed.describe()).isEqualTo(75);
            assertThat(reached).as("requests that reached the API").isEqualTo(1);
            assertThat(summary.get("api_calls").asLong()).as(probed.describe()).isEqualTo(reached);
            assertThat(summary.get("message").asText())
                    .contains("breaker of probe-api is open")
                    .doesNotContain("without calling the API");
        }
    }
}
