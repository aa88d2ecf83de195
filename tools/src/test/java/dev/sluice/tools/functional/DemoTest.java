package dev.sluice.tools.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What `make demo` runs: the example job end to end on the embedded default, checked against the API. */
class DemoTest {
    @Test
    void the_demo_loads_every_partition_exactly_with_no_429_and_resumes_the_crashed_one() throws Exception {
        Path home = Files.createTempDirectory("sluice-demo-home");

        SluiceProcess.Result demo = SluiceProcess.run(
                Duration.ofMinutes(8),
                Map.of("SLUICE_HOME", home.toString()),
                "demo",
                "--job",
                Path.of("../dags/jobs/orders.yaml").toString());

        assertThat(demo.exit()).as(demo.describe()).isZero();
        JsonNode result = demo.json();
        assertThat(result.get("demo").asText()).isEqualTo("passed");
        assertThat(result.get("rows_match_api").asBoolean()).isTrue();
        assertThat(result.get("rows").asLong()).isEqualTo(7200);
        assertThat(result.get("http_429").asLong()).isZero();
        // The per-record step: every customer of the latest day enriched, one effect per customer.
        assertThat(result.get("enrich_job").asText()).isEqualTo("customers_enrich");
        assertThat(result.get("enriched").asLong()).isGreaterThan(1000);
        assertThat(result.get("enrich_rows").asLong())
                .isEqualTo(result.get("enriched").asLong());
        assertThat(result.get("enrich_effects_applied").asLong())
                .isEqualTo(result.get("enriched").asLong());
        assertThat(String.join("\n", demo.stdout()))
                .contains("crashed after 8 committed pages")
                .contains("6 of 6 partitions were already complete")
                .contains("Step 4: the per-record job customers_enrich for [2026-11-06]")
                .containsPattern("a sample row:\n  customer \\d+: \\w+, .* trace_id [0-9a-f]{32} span_id [0-9a-f]{16}");
    }
}
