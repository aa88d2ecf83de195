package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RateLimitConcurrencyTest {
    private static final int CLIENTS = 16;

    @Test
    void hammering_clients_never_get_more_than_the_window_count_in_any_window() throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("20/1s"))) {
            hammer(sandbox, Duration.ofSeconds(3));
            SandboxStats stats = sandbox.stats();

            assertThat(stats.admittedPerSecond().values())
                    .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(20));
            assertThat(stats.peakAdmittedPerSecond())
                    .as("the load saturated a window")
                    .isEqualTo(20);
            assertThat(stats.rateLimited()).isPositive();
            assertThat(stats.admittedPerSecond().values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(stats.admitted());
            assertThat(stats.servedOk()).isEqualTo(stats.admitted());
            assertThat(stats.requests()).isEqualTo(stats.admitted() + stats.rateLimited());
        }
    }

    @Test
    void hammering_clients_never_get_more_than_a_bucket_allows() throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("bucket:20/1s,burst=10"))) {
            Instant start = Instant.now();
            hammer(sandbox, Duration.ofSeconds(2));
            double seconds = Duration.between(start, Instant.now()).toNanos() / 1e9;

            SandboxStats stats = sandbox.stats();

            assertThat(stats.admitted()).isLessThanOrEqualTo((long) Math.floor(10 + 20 * seconds));
            // each 429 holds everyone back for its whole (rounded-up) Retry-After, so the bucket refills to its burst
            assertThat(stats.admitted()).isGreaterThanOrEqualTo(10 + 10);
            assertThat(stats.rateLimited()).isPositive();
        }
    }

    private static void hammer(Sandbox sandbox, Duration length) throws Exception {
        Instant end = Instant.now().plus(length);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(pool.submit(() -> {
                    Client client = new Client(sandbox);
                    while (Instant.now().isBefore(end)) {
                        client.get("/v1/orders?partition=eu&page_size=1");
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        }
    }
}
