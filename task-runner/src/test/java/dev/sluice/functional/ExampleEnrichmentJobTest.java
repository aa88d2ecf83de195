package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.Enrichment;
import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.Sandbox;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.InputJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example per-record job of {@code dags/jobs}, as shipped: the orders job loads a day, then
 * {@code customers_enrich.yaml} enriches that day's customers through the sandbox's per-record
 * endpoint, reading them with its SQL input from the orders job's sink table.
 */
class ExampleEnrichmentJobTest {
    private static final Path ORDERS = Path.of("../dags/jobs/orders.yaml");
    private static final Path ENRICH = Path.of("../dags/jobs/customers_enrich.yaml");
    private static final String DAY = "2026-11-03";
    private static final String TOKEN = "example-token-5";

    @Test
    void the_example_validates() {
        try (InputJob job = InputJob.start("example_validate")) {
            SluiceProcess.Result valid = job.command("validate", "--job", ENRICH.toString());

            assertThat(valid.exit()).as(valid.describe()).isZero();
            assertThat(valid.json().get("call").asText()).contains("POST", "Idempotency-Key");
        }
    }

    @Test
    void the_example_enriches_every_customer_of_the_orders_day_once_and_a_rerun_calls_nothing() {
        try (Sandbox api =
                        Sandbox.start(SandboxConfig.defaults().withToken(TOKEN).withRecordsPerPartition(240));
                InputJob job = InputJob.start("example_enrich")) {
            String[] env = {"SLUICE_SANDBOX_URL", api.baseUrl(), "SHOP_API_TOKEN", TOKEN};
            SluiceProcess.Result orders = job.run(ORDERS, DAY, env);
            assertThat(orders.exit()).as(orders.describe()).isZero();
            long customers = job.number("SELECT count(DISTINCT customer_id) FROM shop_orders");

            SluiceProcess.Result enrich = job.run(ENRICH, DAY, env);
            SluiceProcess.Result again = job.run(ENRICH, DAY, env);

            assertThat(enrich.exit()).as(enrich.describe()).isZero();
            JsonNode summary = enrich.json();
            assertThat(summary.get("records").asLong()).isEqualTo(customers).isPositive();
            assertThat(job.number("SELECT count(*) FROM customer_profiles")).isEqualTo(customers);
            List<String> rows = job.rows("SELECT p.customer_id, p.segment, p.region, p.orders = o.n, p.call_trace_id"
                    + " FROM customer_profiles p JOIN (SELECT customer_id, count(*) AS n FROM shop_orders"
                    + " GROUP BY 1) o USING (customer_id) ORDER BY 1");
            assertThat(rows).hasSize((int) customers).allSatisfy(row -> {
                String[] f = row.split(" \\| ");
                Enrichment expected = Enrichment.expected(f[0]);
                assertThat(List.of(f[1], f[2], f[3], f[4]))
                        .containsExactly(
                                expected.segment(),
                                expected.region(),
                                "true",
                                summary.get("trace_id").asText());
            });
            RecordStats truth = api.stats().records();
            assertThat(truth.recordsApplied()).isEqualTo(customers);
            assertThat(truth.extraEffects()).isZero();
            assertThat(again.exit()).as(again.describe()).isZero();
            assertThat(again.json().get("status").asText()).isEqualTo("already_complete");
            assertThat(api.stats().records().requests()).isEqualTo(truth.requests());
        }
    }
}
