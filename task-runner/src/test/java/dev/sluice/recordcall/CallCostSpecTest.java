package dev.sluice.recordcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.JobSpecException;
import dev.sluice.config.SpecProblem;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 8 §5: {@code call.cost} is checked at load (so {@code sluice validate} exits 78 on it). */
class CallCostSpecTest {
    private final JobSpecLoader loader = new JobSpecLoader(Map.of());

    private static String spec(String limits, String cost) {
        return """
                job: score
                partitions: {type: daily, start: 2026-11-01}
                input:
                  type: sql
                  query: SELECT id, prompt_tokens, max_tokens FROM prompts WHERE day = CAST(:partition AS date)
                  key: id
                call:
                  method: POST
                  url: https://llm.example.com/v1/score
                  body: {id: "{record.id}"}
                  cost: %s
                sink: {type: postgres, table: scores, key: [id], columns: {id: {path: $.record.id}}}
                limits: %s
                """.formatted(cost, limits);
    }

    private static final String LIMITS =
            "[{name: llm-requests, rates: [500/1m]}, {name: llm-tokens, rates: [90000/1m], burst: 4000}]";

    @Test
    void a_cost_per_limit_is_parsed_and_limits_it_does_not_name_cost_one() {
        JobSpec job = loader.load(
                "score.yaml", spec(LIMITS, "{llm-tokens: \"{record.prompt_tokens} + {record.max_tokens}\"}"));

        assertThat(job.call().costs()).containsOnlyKeys("llm-tokens");
        assertThat(job.call().costs().get("llm-tokens").fields()).containsExactly("prompt_tokens", "max_tokens");
    }

    @Test
    void a_constant_cost_is_read_from_a_yaml_number() {
        JobSpec job = loader.load("score.yaml", spec(LIMITS, "{llm-tokens: 3000, llm-requests: 1}"));

        assertThat(job.call().costs().get("llm-tokens").constant()).isEqualTo(3000);
    }

    @Test
    void refuses_unknown_limits_fields_bad_expressions_and_costs_above_capacity_with_field_line_and_rule() {
        String yaml = spec(
                LIMITS,
                "\n    llm-token: 1\n    llm-tokens: \"{record.prompt_tokens} * 2\"\n"
                        + "    llm-requests: \"{record.prompt_tokns}\"");
        String costly = spec(LIMITS, "{llm-tokens: 5000}");

        assertThatThrownBy(() -> loader.load("bad.yaml", yaml))
                .isInstanceOfSatisfying(
                        JobSpecException.class,
                        e -> assertThat(e.problems())
                                .extracting(SpecProblem::toString)
                                .contains(
                                        "call.cost.llm-token = \"1\" (bad.yaml:12): names no limit of this job; cost is per limit, by name: llm-requests, llm-tokens",
                                        "call.cost.llm-requests = \"{record.prompt_tokns}\" (bad.yaml:14): {record.prompt_tokns}: the input's records have no field prompt_tokns; they have id, max_tokens, prompt_tokens")
                                .anySatisfy(p -> assertThat(p)
                                        .startsWith(
                                                "call.cost.llm-tokens = \"{record.prompt_tokens} * 2\" (bad.yaml:13): ")
                                        .contains("only + is supported")));
        assertThatThrownBy(() -> loader.load("costly.yaml", costly))
                .isInstanceOfSatisfying(
                        JobSpecException.class,
                        e -> assertThat(e.problems())
                                .extracting(SpecProblem::toString)
                                .containsExactly(
                                        "call.cost.llm-tokens = \"5000\" (costly.yaml:11): a call costs 5000 units, but limit llm-tokens grants at most 4000 at once (its capacity); raise its burst to at least 5000"));
    }
}
