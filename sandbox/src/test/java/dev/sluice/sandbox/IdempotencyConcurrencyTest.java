package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class IdempotencyConcurrencyTest {
    private static final int PARALLEL = 16;
    private static final int KEYS = 20;
    private static final String BODY = "{\"tokens\":1}";

    @Test
    void sixteen_parallel_posts_with_one_key_apply_the_effect_once() throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            for (int k = 0; k < KEYS; k++) {
                String id = String.valueOf(k);
                List<HttpResponse<String>> answers = race(sandbox, id, "key-" + k);

                assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(1);
                assertThat(answers)
                        .filteredOn(r -> r.statusCode() == 200)
                        .hasSize(PARALLEL - 1)
                        .allSatisfy(r -> assertThat(r.headers().firstValue("Idempotent-Replayed"))
                                .hasValue("true"));
                assertThat(answers.stream().map(HttpResponse::body).distinct()).hasSize(1);
                assertThat(sandbox.record(id).effects()).isEqualTo(1);
            }
            RecordStats stats = sandbox.stats().records();
            assertThat(stats.effectsApplied()).isEqualTo(KEYS);
            assertThat(stats.recordsAppliedTwice()).isZero();
            assertThat(stats.replays()).isEqualTo(KEYS * (PARALLEL - 1));
        }
    }

    @Test
    void sixteen_parallel_posts_with_one_key_apply_it_sixteen_times_when_keys_are_ignored() throws Exception {
        SandboxConfig ignore = SandboxConfig.defaults()
                .withLimits()
                .withRecords(RecordsConfig.DEFAULTS.withIdempotency(IdempotencyMode.IGNORE));
        try (Sandbox sandbox = Sandbox.start(ignore)) {
            List<HttpResponse<String>> answers = race(sandbox, "7", "key-7");

            assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
            assertThat(sandbox.record("7").effects()).isEqualTo(PARALLEL);
            assertThat(sandbox.stats().records().extraEffects()).isEqualTo(PARALLEL - 1);
        }
    }

    private static List<HttpResponse<String>> race(Sandbox sandbox, String id, String key) throws Exception {
        CyclicBarrier start = new CyclicBarrier(PARALLEL);
        Client client = new Client(sandbox);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> posts = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                posts.add(pool.submit(() -> {
                    start.await();
                    return client.post(EnrichmentTest.enrichment(id), BODY, "Idempotency-Key", key);
                }));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> post : posts) {
                answers.add(post.get());
            }
            return answers;
        }
    }
}
