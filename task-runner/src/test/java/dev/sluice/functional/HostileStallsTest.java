package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.HostileApi;
import dev.sluice.testing.HostileJob;
import dev.sluice.testing.SluiceProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 7, class 2: an API that stalls cannot hang a run. {@code timeout} bounds the whole exchange
 * (connecting, headers and body): each way of stalling is cut off there, counted by the breaker,
 * retried, and the run ends with 75, its attempt recorded and its lease released.
 */
class HostileStallsTest {
    /** Sanity bound only: two 2 s attempts and a JVM start take far less on any machine. */
    private static final Duration SANITY = Duration.ofSeconds(90);

    enum Stall {
        NO_ANSWER(HostileApi.silence()),
        HEADERS_THEN_SILENCE(HostileApi.headersThenSilence()),
        DRIPPING_BODY(HostileApi.drip(Duration.ofMillis(200))),
        LYING_CONTENT_LENGTH(HostileApi.lyingLength(10_000, "{\"data\":["));

        final HostileApi.Reply reply;

        Stall(HostileApi.Reply reply) {
            this.reply = reply;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stall.class)
    void a_stalled_exchange_is_cut_off_at_the_timeout_retried_and_the_run_ends_with_75(Stall stall) {
        try (HostileApi api = HostileApi.start().on("/items", stall.reply);
                HostileJob job = HostileJob.create(
                        "stall_" + stall.name().toLowerCase(),
                        "url: ${API}/items\ntimeout: 2s",
                        "retry: {max_attempts: 2, initial_delay: 100ms, max_delay: 200ms}",
                        Map.of("API", api.origin()))) {
            long started = System.nanoTime();
            SluiceProcess.Result run = job.run();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(run.exit()).as(run.describe()).isEqualTo(75);
            assertThat(took).as("sanity bound").isLessThan(SANITY);
            assertThat(run.json().get("status").asText()).isEqualTo("retry_later");
            assertThat(run.json().get("message").asText())
                    .contains("GET " + api.origin() + "/items timed out", "within timeout 2s", "gave up after 2");
            assertThat(api.requests()).hasSize(2);
            assertThat(job.attempts()).singleElement().satisfies(a -> {
                assertThat(a.get("status")).isEqualTo("retry_later");
                assertThat(a.get("exit_code")).isEqualTo(75);
                assertThat(a.get("finished_at")).isNotNull();
            });
            assertThat(job.partition()).containsEntry("lease_owner", null).containsEntry("state", "pending");
            assertThat(job.query("SELECT failures FROM sluice_breaker WHERE name = 'job:" + job.name() + "'"))
                    .as("each cut-off counts for the breaker")
                    .containsExactly(Map.of("failures", 2));
        }
    }
}
