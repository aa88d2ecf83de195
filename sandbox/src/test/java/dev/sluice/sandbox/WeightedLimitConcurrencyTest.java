package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WeightedLimitConcurrencyTest {
    private static final int CLIENTS = 16;

    @Test
    void hammering_clients_never_get_more_units_or_requests_than_a_window_allows() throws Exception {
        SandboxConfig config = SandboxConfig.defaults()
                .withLimits("40/1s")
                .withRecords(RecordsConfig.DEFAULTS.withUnitLimits("300/1s"));
        try (Sandbox sandbox = Sandbox.start(config)) {
            AtomicLong admittedUnits = new AtomicLong();
            AtomicLong admitted = new AtomicLong();
            hammer(sandbox, Duration.ofSeconds(3), admittedUnits, admitted);
            SandboxStats stats = sandbox.stats();
            LimitPeak requests = stats.limitPeaks().get(0);
            LimitPeak units = stats.limitPeaks().get(1);

            assertThat(requests.unit()).isEqualTo("requests");
            assertThat(requests.peak()).isBetween(1L, 40L);
            assertThat(units.unit()).isEqualTo("units");
            assertThat(units.peak()).isBetween(1L, 300L);
            assertThat(units.admitted()).as("units the clients were granted").isEqualTo(admittedUnits.get());
            assertThat(requests.admitted()).isEqualTo(admitted.get());
            assertThat(stats.records().effectsApplied()).isEqualTo(admitted.get());
            assertThat(stats.rateLimited()).as("the limits were hit").isPositive();
        }
    }

    private static void hammer(Sandbox sandbox, Duration length, AtomicLong units, AtomicLong admitted)
            throws Exception {
        Instant end = Instant.now().plus(length);
        Client client = new Client(sandbox);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                clients.add(pool.submit(() -> {
                    while (Instant.now().isBefore(end)) {
                        long cost = ThreadLocalRandom.current().nextLong(1, 41);
                        HttpResponse<String> r =
                                client.post(EnrichmentTest.enrichment("c" + id), "{\"tokens\":" + cost + "}");
                        if (r.statusCode() == 201) {
                            units.addAndGet(cost);
                            admitted.incrementAndGet();
                        }
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
