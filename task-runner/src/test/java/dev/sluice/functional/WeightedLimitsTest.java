package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.LimitPeak;
import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.RecordStats;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.sandbox.Sandbox;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxStats;
import dev.sluice.testing.InputJob;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 §5's acceptance: weighted limits, requests/s and tokens/s together. Two {@code sluice run}
 * processes (two partitions, 8 calls in flight each) send records of varying token counts to the
 * sandbox, which counts every request's tokens from its body and refuses (429) any request over
 * either of its strict windows. The sandbox is the ground truth.
 */
class WeightedLimitsTest {
    private static final int RECORDS = 160; // per partition
    private static final List<String> DAYS = List.of("2026-11-01", "2026-11-02");
    private static final int REQUESTS_PER_SECOND = 60;
    private static final int TOKENS_PER_SECOND = 4000;

    @Test
    void requests_and_tokens_limits_together_the_sandbox_never_sees_either_exceeded() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults()
                        .withLimits(List.of(LimitSpec.parse("window:" + REQUESTS_PER_SECOND + "/1s,name=requests")))
                        .withToken(JobFixture.TOKEN)
                        .withRecords(RecordsConfig.DEFAULTS.withUnitLimits(
                                "window:" + TOKENS_PER_SECOND + "/1s,name=tokens")));
                InputJob job = InputJob.start("weighted")) {
            long tokens = 0;
            for (int d = 0; d < DAYS.size(); d++) {
                tokens += writeInput(job, DAYS.get(d), d);
            }
            Path spec = job.write("score.yaml", spec(sandbox.baseUrl()));

            List<SluiceProcess> running = DAYS.stream()
                    .map(day -> job.start(spec, day, "SHOP_API_TOKEN", JobFixture.TOKEN))
                    .toList();
            List<SluiceProcess.Result> results =
                    running.stream().map(p -> p.await(Duration.ofMinutes(3))).toList();

            results.forEach(r -> assertThat(r.exit()).as(r.describe()).isZero());
            SandboxStats stats = sandbox.stats();
            RecordStats truth = stats.records();
            double busy =
                    Duration.between(stats.firstRequest(), stats.lastRequest()).toMillis() / 1000.0;
            System.out.printf(
                    "2 processes, %d/s requests + %d/s tokens: %d records, %d tokens in %.1f s (tokens alone need"
                            + " %.1f s, requests alone %.1f s); 429s %d; peaks %s%n",
                    REQUESTS_PER_SECOND,
                    TOKENS_PER_SECOND,
                    truth.recordsApplied(),
                    tokens,
                    busy,
                    tokens / (double) TOKENS_PER_SECOND,
                    2.0 * RECORDS / REQUESTS_PER_SECOND,
                    stats.rateLimited(),
                    stats.limitPeaks());
            assertThat(stats.rateLimited()).as("429s for either window").isZero();
            assertThat(stats.limitPeaks())
                    .as("the busiest window of each limit at the API")
                    .allSatisfy(p -> assertThat(p.peak()).isLessThanOrEqualTo(limitOf(p)));
            assertThat(stats.limitPeaks()).extracting(LimitPeak::unit).contains("requests", "units");
            assertThat(truth.recordsApplied()).as("records applied").isEqualTo(2L * RECORDS);
            assertThat(truth.extraEffects()).as("effects applied twice").isZero();
            assertThat(job.number("SELECT count(*) FROM scores")).isEqualTo(2L * RECORDS);
            assertThat(busy)
                    .as("the tokens window binds: the run takes about tokens / limit seconds, longer than the"
                            + " requests alone would need")
                    .isGreaterThan(tokens / (double) TOKENS_PER_SECOND - 1.5)
                    .isGreaterThan(2.0 * RECORDS / REQUESTS_PER_SECOND + 1);
            long spent = results.stream()
                    .mapToLong(
                            r -> r.json().path("limit_units").path("llm-tokens").asLong())
                    .sum();
            long calls = results.stream()
                    .mapToLong(r -> r.json().get("api_calls").asLong())
                    .sum();
            long taken = job.number(
                    "SELECT coalesce(sum(permits), 0) FROM sluice_limit_series WHERE limit_name = 'llm-tokens'");
            System.out.printf("tokens: %d spent by calls (summaries), %d taken in batches (series)%n", spent, taken);
            assertThat(spent)
                    .as("the summaries' tokens: every request's, retries included")
                    .isGreaterThanOrEqualTo(tokens);
            assertThat(results.stream()
                            .mapToLong(r -> r.json()
                                    .path("limit_units")
                                    .path("llm-requests")
                                    .asLong())
                            .sum())
                    .as("a request each from the requests limit")
                    .isEqualTo(calls);
            assertThat(taken)
                    .as("units taken from the tokens limit (its series)")
                    .isGreaterThanOrEqualTo(spent);
        }
    }

    @Test
    void validate_refuses_bad_costs_with_field_place_and_rule() {
        try (InputJob job = InputJob.start("weighted_spec")) {
            Path spec = job.write(
                    "bad.yaml",
                    spec("http://127.0.0.1:1")
                            .replace(
                                    "cost: {llm-tokens: \"{record.tokens}\"}",
                                    "cost: {llm-tokens: \"{record.tokens} * 2\", llm-request: 1}"));

            SluiceProcess.Result bad = job.command("validate", "--job", spec.toString());

            assertThat(bad.exit()).as(bad.describe()).isEqualTo(78);
            assertThat(bad.json().get("message").asText())
                    .contains("call.cost.llm-tokens = \"{record.tokens} * 2\" (" + spec + ":9): ")
                    .contains("only + is supported")
                    .contains("call.cost.llm-request = \"1\" (" + spec
                            + ":9): names no limit of this job; cost is per limit, by name: llm-requests, llm-tokens");
        }
    }

    private static long limitOf(LimitPeak peak) {
        return peak.unit().equals("units") ? TOKENS_PER_SECOND : REQUESTS_PER_SECOND;
    }

    /** Records of 20 to 200 tokens, distinct ids per partition; returns their tokens. */
    private static long writeInput(InputJob job, String day, int offset) {
        SplittableRandom random = new SplittableRandom(17 + offset);
        int[] tokens =
                IntStream.range(0, RECORDS).map(i -> random.nextInt(20, 201)).toArray();
        job.write(
                "prompts-" + day + ".jsonl",
                IntStream.range(0, RECORDS)
                        .mapToObj(i -> "{\"id\": \"p%d-%04d\", \"tokens\": %d}\n".formatted(offset, i, tokens[i]))
                        .collect(Collectors.joining()));
        return IntStream.of(tokens).sum();
    }

    private static String spec(String baseUrl) {
        return """
                job: score
                partitions: {type: daily, start: 2026-11-01, end: 2026-11-07}
                input: {type: file, path: "prompts-{partition}.jsonl", key: id, page_size: 50}
                call:
                  method: POST
                  url: %s/v1/customers/{record.id}/enrichment
                  auth: {type: bearer, token: "${SHOP_API_TOKEN}"}
                  body: {prompt: "{record.id}", tokens: "{record.tokens}"}
                  cost: {llm-tokens: "{record.tokens}"}
                  concurrency: 8
                  timeout: 10s
                sink:
                  type: postgres
                  table: scores
                  key: [id]
                  columns:
                    id: {path: $.record.id}
                    segment: {path: $.response.segment, required: true}
                limits:
                  - {name: llm-requests, rates: ["%d/1s"], headroom: 0.03}
                  - {name: llm-tokens, rates: ["%d/1s"], burst: 600, headroom: 0.03}
                retry: {max_attempts: 8}
                runner: {lease_ttl: 3s}
                """.formatted(baseUrl, REQUESTS_PER_SECOND, TOKENS_PER_SECOND);
    }
}
