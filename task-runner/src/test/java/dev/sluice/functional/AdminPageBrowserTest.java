package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.AdminProcess;
import dev.sluice.testing.Chromium;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The admin page in headless Chromium while a job runs: partitions, the limit and its chart show
 * real data, and a pause made through the page with the token reaches the table. Screenshots go to
 * {@code target/screenshots/} (CI keeps them as artifacts). Without Chromium the test is skipped
 * loudly; {@code SLUICE_REQUIRE_CHROMIUM=1} (set by .ci/run) makes that a failure.
 */
class AdminPageBrowserTest {
    static final String TOKEN = "browser-admin-token-9";
    static final String LIMIT = "page-api";
    static final Path SHOTS = Path.of("target", "screenshots");

    @Test
    void the_page_shows_a_running_job_and_pauses_its_limit_with_the_token() throws Exception {
        requireChromium();
        try (JobFixture job = JobFixture.start(
                        "page",
                        SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(400),
                        20,
                        "limits: [{name: " + LIMIT + ", rates: [6/1s]}]");
                AdminProcess admin = AdminProcess.start(job.env("SLUICE_ADMIN_TOKEN", TOKEN))) {
            List<SluiceProcess> runs = List.of("2026-11-01", "2026-11-02", "2026-11-03").stream()
                    .map(p -> job.start(p, Map.of()))
                    .toList();
            try (Chromium browser = Chromium.open(admin.baseUrl() + "/", 1440, 900)) {
                await("a running partition, the limit and a chart with calls on the page")
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> browser.eval("""
                                        (() => {
                                          const running = [...document.querySelectorAll('#partitions tbody tr')]
                                            .some(tr => tr.children[1].textContent === 'running');
                                          const box = document.querySelector('#limits [data-limit="page-api"]');
                                          return running && !!box && box.querySelector('canvas') !== null
                                            && Number(box.dataset.points) >= 2 && Number(box.dataset.maxRate) > 0;
                                        })()""").asBoolean());
                assertThat(browser.eval("document.querySelector('#jobs tbody tr').dataset.job")
                                .asText())
                        .isEqualTo("page");
                assertThat(browser.eval(
                                        "document.querySelector('#limits [data-limit=\"page-api\"] .facts').textContent")
                                .asText())
                        .contains("rates 6/1s");
                double maxRate = browser.eval("Number(document.querySelector('#limits [data-limit=\"page-api\"]')"
                                + ".dataset.maxRate)")
                        .asDouble();
                assertThat(maxRate).as("the chart's busiest point").isPositive().isLessThanOrEqualTo(12);
                browser.screenshot(SHOTS.resolve("admin-page-running.png"));
                // the runs end before the pause, so that none sleeps out its 60 s
                runs.forEach(r -> {
                    SluiceProcess.Result result = r.await(Duration.ofMinutes(3));
                    assertThat(result.exit()).as(result.describe()).isZero();
                });

                // one change through the page: the token typed in, the limit's pause button clicked
                browser.eval("""
                        (() => {
                          const t = document.querySelector('#token');
                          t.value = '%s';
                          t.dispatchEvent(new Event('change'));
                          document.querySelector('button[data-action="pause"][data-limit="page-api"]').click();
                          return true;
                        })()""".formatted(TOKEN));
                await("the page reports the pause")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> browser.eval("document.querySelector('#message').textContent")
                                .asText()
                                .contains("Pause 60 s: done"));
                Object pausedBy = job.query("SELECT pause_reason FROM sluice_limit WHERE name = '" + LIMIT
                                + "' AND paused_until > now()")
                        .getFirst()
                        .get("pause_reason");
                assertThat(pausedBy).isEqualTo("paused by hand: from the page");
                await("the page shows the pause")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> browser.eval(
                                        "document.querySelector('#limits [data-limit=\"page-api\"] .paused') !== null")
                                .asBoolean());
                browser.screenshot(SHOTS.resolve("admin-page-paused.png"));
            }
        }
        assertThat(SHOTS.resolve("admin-page-running.png")).isNotEmptyFile();
    }

    private static void requireChromium() {
        if (Chromium.binary() == null) {
            String message = "SKIPPED LOUDLY: no chromium here (apt-get install chromium); the admin page was not"
                    + " tested in a browser";
            System.err.println(message);
            if ("1".equals(System.getenv("SLUICE_REQUIRE_CHROMIUM"))) {
                throw new AssertionError(message + ", and SLUICE_REQUIRE_CHROMIUM=1 requires it");
            }
            Assumptions.abort(message);
        }
    }
}
