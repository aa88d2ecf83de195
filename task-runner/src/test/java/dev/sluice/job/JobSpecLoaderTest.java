package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.JobSpecException;
import dev.sluice.config.SpecProblem;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSpecLoaderTest {
    static final String VALID = """
            job: orders
            partitions: {type: daily, start: 2026-11-01, end: 2026-11-03}
            source:
              type: http
              url: http://127.0.0.1:1/v1/orders
              params: {day: "{partition}"}
              auth: {type: bearer, token: "${TOKEN}"}
              records: $.data
              pagination: {type: cursor}
            sink:
              type: postgres
              table: shop_orders
              key: [id]
              columns:
                id: {path: $.id}
                amount: {path: $.amount, type: numeric}
            """;

    private final JobSpecLoader loader = new JobSpecLoader(Map.of("TOKEN", "s3cr3t-value"));

    @Test
    void loads_a_valid_spec_with_defaults() {
        JobSpec spec = loader.load("orders.yaml", VALID);

        assertThat(spec.name()).isEqualTo("orders");
        assertThat(spec.runner().leaseTtl()).hasSeconds(30);
        assertThat(spec.deadLetters().max()).isZero();
        assertThat(spec.source().describe()).contains("cursor pagination").doesNotContain("s3cr3t");
    }

    @Test
    void reports_every_problem_with_field_line_and_rule() {
        String yaml = """
                job: Orders
                partitions: {type: weekly}
                source: {type: http, url: "http://x/{partition.nope}", timeout: 30 sec}
                sink: {type: postgres, table: t, key: [id], columns: {id: {path: id}}}
                """;

        assertThatThrownBy(() -> loader.load("bad.yaml", yaml))
                .isInstanceOfSatisfying(
                        JobSpecException.class,
                        e -> assertThat(e.problems())
                                .extracting(SpecProblem::toString)
                                .contains(
                                        "job = \"Orders\" (bad.yaml:1): must be 1-50 lower-case letters, digits or _, starting with a letter",
                                        "partitions.type = \"weekly\" (bad.yaml:2): partition type must be one of daily, hourly, list, shards",
                                        "source.timeout = \"30 sec\" (bad.yaml:3): expected a duration like 500ms, 30s, 5m, 1h30m or 1d",
                                        "sink.columns.id.path = \"id\" (bad.yaml:4): a JSON path starts with $, e.g. $.data or $.meta.next_cursor"));
    }

    @Test
    void a_missing_secret_names_the_variable_but_shows_only_the_reference() {
        JobSpecLoader noToken = new JobSpecLoader(Map.of());

        assertThatThrownBy(() -> noToken.load("orders.yaml", VALID))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(
                        "source.auth.token = \"${TOKEN}\" (orders.yaml:7): environment variable TOKEN is not set");
    }

    @Test
    void a_secret_never_appears_in_a_message_about_it() {
        String yaml = VALID.replace(
                "auth: {type: bearer, token: \"${TOKEN}\"}", "auth: {type: bearer, token: {nested: \"${TOKEN}\"}}");

        assertThatThrownBy(() -> loader.load("orders.yaml", yaml))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("source.auth.token = \"****\"")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void unknown_fields_are_refused_with_a_suggestion() {
        String yaml = VALID.replace("records: $.data", "recrods: $.data");

        assertThatThrownBy(() -> loader.load("orders.yaml", yaml))
                .hasMessageContaining("source.recrods (orders.yaml:8): unknown field (did you mean records?)");
    }

    @Test
    void unknown_top_level_fields_are_refused() {
        assertThatThrownBy(() -> loader.load("orders.yaml", VALID + "limitz: []\n"))
                .hasMessageContaining("limitz (orders.yaml:17): unknown field");
    }

    @Test
    void templates_may_only_use_the_partitions_variables() {
        String yaml = VALID.replace("day: \"{partition}\"", "day: \"{partition.value}\"");

        assertThatThrownBy(() -> loader.load("orders.yaml", yaml))
                .hasMessageContaining(
                        "source.params.day = \"{partition.value}\" (orders.yaml:6): {partition.value} is not a variable");
    }

    @Test
    void yaml_syntax_errors_point_at_the_line() {
        assertThatThrownBy(() -> loader.load("broken.yaml", "job: orders\npartitions: [daily\n"))
                .hasMessageContaining("(broken.yaml:3): not valid YAML");
    }

    @Test
    void duplicate_keys_are_refused() {
        assertThatThrownBy(() -> loader.load("dup.yaml", "job: a\njob: b\n"))
                .hasMessageContaining("job (dup.yaml:2): duplicate key job (first at line 1)");
    }

    @Test
    void environment_defaults_and_escapes_work_like_a_shell() {
        String yaml = VALID.replace("http://127.0.0.1:1/v1/orders", "${BASE:-http://h:1}/v1/$${literal}");

        assertThatThrownBy(() -> loader.load("orders.yaml", yaml))
                .hasMessageContaining("is not a valid URL")
                .hasMessageContaining("http://h:1/v1/${literal}");
        assertThat(loader.load("orders.yaml", VALID.replace("http://127.0.0.1:1", "${BASE:-http://h:1}"))
                        .source()
                        .describe())
                .contains("http://h:1/v1/orders");
    }
}
