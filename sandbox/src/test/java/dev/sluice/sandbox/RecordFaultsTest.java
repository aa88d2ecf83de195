package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RecordFaultsTest {
    private static final String BODY = "{\"tokens\":1}";

    @Test
    void a_reset_after_the_effect_makes_the_retry_with_the_same_key_a_replay() throws Exception {
        try (Sandbox sandbox =
                Sandbox.start(SandboxConfig.defaults().withLimits().withFaults(Faults.NONE.withResetRate(1.0)))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest post = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + EnrichmentTest.enrichment("5")))
                    .header("Idempotency-Key", "k-5")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY))
                    .build();

            assertThatThrownBy(() -> http.send(post, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            sandbox.reconfigure(c -> c.withFaults(Faults.NONE));
            HttpResponse<String> retry = http.send(post, HttpResponse.BodyHandlers.ofString());

            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(sandbox.record("5").effects()).isEqualTo(1);
            assertThat(sandbox.record("5").replays()).isEqualTo(1);
        }
    }

    @Test
    void the_record_latency_delays_every_per_record_answer() {
        RecordsConfig slow = RecordsConfig.DEFAULTS.withLatency(LatencyRange.parse("latency", "300ms~400ms"));
        try (Sandbox sandbox =
                Sandbox.start(SandboxConfig.defaults().withLimits().withRecords(slow))) {
            Client client = new Client(sandbox);
            for (String path : new String[] {"/v1/customers/5", EnrichmentTest.enrichment("5")}) {
                long start = System.nanoTime();
                client.get(path);
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("a sleep is never shorter than asked")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            }
        }
    }

    @Test
    void the_effect_is_applied_before_the_latency_so_a_slow_answer_leaves_it_in_doubt() {
        RecordsConfig slow = RecordsConfig.DEFAULTS.withLatency(LatencyRange.parse("latency", "30s"));
        try (Sandbox sandbox =
                Sandbox.start(SandboxConfig.defaults().withLimits().withRecords(slow))) {
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<Void>> post = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + EnrichmentTest.enrichment("5")))
                            .POST(HttpRequest.BodyPublishers.ofString(BODY))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());

            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> assertThat(sandbox.record("5").effects()).isEqualTo(1));
            assertThat(post).as("the client has no answer yet").isNotDone();
            post.cancel(true);
        }
    }
}
