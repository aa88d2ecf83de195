package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.config.JobSpecException;
import dev.sluice.config.SpecProblem;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.ratelimit.internal.BucketShape;
import java.time.Duration;
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
    void a_limit_takes_a_permit_validity_that_lengthens_d_and_slows_the_pace_accordingly() {
        JobSpec spec =
                loader.load("orders.yaml", VALID + "limits: [{name: shop, rates: [50/1s], permit_validity: 100ms}]\n");

        LimitConfig limit = spec.limits().getFirst();
        assertThat(limit.permitValidity()).isEqualTo(Duration.ofMillis(100));
        BucketShape shape = BucketShape.of(limit);
        assertThat(shape.validityMs()).containsExactly(100.0);
        assertThat(shape.refillPerMs().getFirst() * 1000)
                .as("permits/s: (49.5 - c) / (1 s + 100 ms), c = the burst, 1: d does not grow the bucket")
                .isCloseTo(48.5 / 1.1, within(1e-9));
        assertThat(shape.capacity()).containsExactly(1.0);
        BucketShape standard =
                BucketShape.of(loader.load("orders.yaml", VALID + "limits: [{name: shop, rates: [50/1s]}]\n")
                        .limits()
                        .getFirst());
        assertThat(standard.validityMs()).as("the default d at 1 s rates").containsExactly(20.0);
    }

    @Test
    void a_permit_validity_outside_20ms_to_1s_is_refused_with_the_rule() {
        String yaml = VALID + "limits: [{name: shop, rates: [50/1s], permit_validity: 5ms}]\n";

        assertThatThrownBy(() -> loader.load("orders.yaml", yaml))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("limits[0].permit_validity")
                .hasMessageContaining("must be from 20ms to 1s");
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
    void refuses_exchange_bounds_and_origin_settings_that_cannot_work() {
        String yaml = VALID.replace("  pagination: {type: cursor}\n", """
                  pagination: {type: cursor}
                  max_response_size: 64 MiB
                  max_redirects: 50
                  allowed_origins: ["https://files.example.com/exports", "ftp://files.example.com"]
                  cross_origin: ignore
                """);

        assertThatThrownBy(() -> loader.load("orders.yaml", yaml))
                .isInstanceOfSatisfying(
                        JobSpecException.class,
                        e -> assertThat(e.problems())
                                .extracting(SpecProblem::toString)
                                .containsExactlyInAnyOrder(
                                        "source.max_response_size = \"64 MiB\" (orders.yaml:10): expected a size like 512KB, 64MB or 1GB (or a number of bytes)"));
        String semantic = yaml.replace("max_response_size: 64 MiB", "max_response_size: 0");
        assertThatThrownBy(() -> loader.load("orders.yaml", semantic))
                .isInstanceOfSatisfying(
                        JobSpecException.class,
                        e -> assertThat(e.problems())
                                .extracting(SpecProblem::toString)
                                .containsExactlyInAnyOrder(
                                        "source.max_response_size = \"0\" (orders.yaml:10): must be more than 0 bytes",
                                        "source.max_redirects = \"50\" (orders.yaml:11): must be from 0 to 20",
                                        "source.allowed_origins[0] = \"https://files.example.com/exports\" (orders.yaml:12): an origin is scheme://host[:port] only, without user, path or query, e.g. https://files.example.com",
                                        "source.allowed_origins[1] = \"ftp://files.example.com\" (orders.yaml:12): expected an absolute http:// or https:// URL, e.g. https://files.example.com",
                                        "source.cross_origin = \"ignore\" (orders.yaml:13): must be strip (follow links to other origins without credentials) or refuse (stop with 78)"));
    }

    @Test
    void a_url_with_credentials_in_it_is_refused_without_showing_them() {
        String yaml = VALID.replace("http://127.0.0.1:1/v1/orders", "https://user:pw-in-url@api.example.com/v1/orders");

        assertThatThrownBy(() -> loader.load("orders.yaml", yaml))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("source.url (orders.yaml:5): put credentials under auth:, not in the url")
                .hasMessageNotContaining("pw-in-url");
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

    @Test
    void an_unterminated_or_malformed_reference_is_an_error_not_literal_text() {
        String unterminated = VALID.replace("\"${TOKEN}\"", "\"${TOKEN\"");
        String badName = VALID.replace("\"${TOKEN}\"", "\"${1TOKEN}\"");
        String nested = VALID.replace("\"${TOKEN}\"", "\"${TOKEN:-${OTHER}}\"");

        assertThatThrownBy(() -> loader.load("orders.yaml", unterminated))
                .hasMessageContaining("source.auth.token = \"${TOKEN\" (orders.yaml:7): \"${\" at character 1 is not "
                        + "closed with }; write ${NAME} or ${NAME:-default}");
        assertThatThrownBy(() -> loader.load("orders.yaml", badName))
                .hasMessageContaining("\"${1TOKEN}\" is not a variable reference");
        assertThatThrownBy(() -> loader.load("orders.yaml", nested))
                .hasMessageContaining("\"${TOKEN:-${OTHER}\" is not a variable reference");
    }

    @Test
    void a_doubled_dollar_still_writes_a_literal_reference() {
        String yaml = VALID.replace("day: \"{partition}\"", "day: \"{partition}\", q: \"$${NOT_A_VAR and $${\"");

        assertThat(loader.load("orders.yaml", yaml).source().describe()).contains("cursor pagination");
        assertThat(dev.sluice.config.Specs.parse("t.yaml", "q: \"a $${B} $$ c $x\"", Map.of())
                        .at("/q")
                        .asText())
                .isEqualTo("a ${B} $$ c $x");
    }

    @Test
    void a_secret_with_whitespace_around_it_is_refused_naming_the_variable_never_the_value() {
        for (String value : new String[] {"s3cr3t-value\n", "s3cr3t-value\r\n", " s3cr3t-value", "s3cr3t-value\t"}) {
            JobSpecLoader trailing = new JobSpecLoader(Map.of("TOKEN", value));

            assertThatThrownBy(() -> trailing.load("orders.yaml", VALID))
                    .isInstanceOf(JobSpecException.class)
                    .hasMessageContaining("source.auth.token (orders.yaml:7): the value of ${TOKEN} ")
                    .hasMessageMatching("(?s).*(ends|starts) with a (newline|carriage return|space|tab); strip it.*")
                    .hasMessageNotContaining("s3cr3t");
        }
    }

    @Test
    void a_secret_with_a_control_character_inside_is_refused() {
        JobSpecLoader injected = new JobSpecLoader(Map.of("TOKEN", "s3cr3t\r\nX-Admin: yes"));
        JobSpecLoader nul = new JobSpecLoader(Map.of("TOKEN", "s3cr3t\u0000more"));

        assertThatThrownBy(() -> injected.load("orders.yaml", VALID))
                .hasMessageContaining("the value of ${TOKEN} contains a line break")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> nul.load("orders.yaml", VALID))
                .hasMessageContaining("the value of ${TOKEN} contains a control character (U+0000)")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void headers_the_http_client_refuses_are_refused_at_load() {
        JobSpecLoader env = new JobSpecLoader(Map.of("TOKEN", "t", "TENANT", "acme\r\nX-Evil: 1"));
        String restricted =
                VALID.replace("records: $.data", "records: $.data\n  headers: {Host: a, content-length: \"1\"}");
        String injected = VALID.replace("records: $.data", "records: $.data\n  headers: {X-Tenant: \"${TENANT}\"}");
        String wide = VALID.replace("records: $.data", "records: $.data\n  headers: {X-Name: \"\u4e2d\"}");
        String fine = VALID.replace("records: $.data", "records: $.data\n  headers: {X-Name: \"caf\u00e9\"}");

        assertThatThrownBy(() -> loader.load("h.yaml", restricted))
                .hasMessageContaining("source.headers.Host (h.yaml:9): the HTTP client sets Host itself")
                .hasMessageContaining("source.headers.content-length (h.yaml:9): the HTTP client sets content-length");
        assertThatThrownBy(() -> env.load("h.yaml", injected))
                .hasMessageContaining(
                        "source.headers.X-Tenant (h.yaml:9): the value of ${TENANT} contains a line break")
                .hasMessageNotContaining("acme");
        assertThatThrownBy(() -> loader.load("h.yaml", wide))
                .hasMessageContaining("source.headers.X-Name (h.yaml:9): a header value may hold ASCII and Latin-1");
        assertThat(loader.load("h.yaml", fine).name()).isEqualTo("orders");
    }

    @Test
    void auth_credentials_the_wire_would_refuse_are_refused_at_load() {
        String header = VALID.replace(
                "auth: {type: bearer, token: \"${TOKEN}\"}",
                "auth: {type: header, name: Upgrade, value: \"${TOKEN}\"}");
        String basic = VALID.replace(
                "auth: {type: bearer, token: \"${TOKEN}\"}",
                "auth: {type: basic, username: \"a:b\", password: \"${TOKEN}\"}");
        String basicNewline = VALID.replace(
                "auth: {type: bearer, token: \"${TOKEN}\"}",
                "auth: {type: basic, username: \"${USER}\", password: \"${TOKEN}\"}");

        assertThatThrownBy(() -> loader.load("a.yaml", header))
                .hasMessageContaining("source.auth.name (a.yaml:7): the HTTP client sets Upgrade itself");
        assertThatThrownBy(() -> loader.load("a.yaml", basic))
                .hasMessageContaining("source.auth.username (a.yaml:7): a basic-auth user name cannot contain ':'");
        assertThatThrownBy(() -> new JobSpecLoader(Map.of("TOKEN", "t", "USER", "me\n")).load("a.yaml", basicNewline))
                .hasMessageContaining("source.auth.username (a.yaml:7): the value of ${USER} ends with a newline");
    }

    @Test
    void sink_names_postgresql_reserves_are_refused_at_load() {
        for (String column : new String[] {"tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"}) {
            String yaml = VALID.replace("amount: {path: $.amount, type: numeric}", column + ": {path: $.amount}");

            assertThatThrownBy(() -> loader.load("s.yaml", yaml))
                    .hasMessageContaining("sink.columns." + column + " (s.yaml:16): " + column
                            + " is a PostgreSQL system column name");
        }
        for (String table :
                new String[] {"pg_catalog.t", "pg_toast.t", "pg_temp.t", "pg_anything.t", "information_schema.t"}) {
            assertThatThrownBy(() -> loader.load("s.yaml", VALID.replace("table: shop_orders", "table: " + table)))
                    .hasMessageContaining("sink.table = \"" + table + "\" (s.yaml:12): schema "
                            + table.substring(0, table.indexOf('.')) + " belongs to PostgreSQL");
        }
        assertThatThrownBy(() -> loader.load("s.yaml", VALID.replace("table: shop_orders", "table: pg_class")))
                .hasMessageContaining("resolves to PostgreSQL's catalog first");
        assertThat(loader.load("s.yaml", VALID.replace("table: shop_orders", "table: public.pg_like"))
                        .sink()
                        .table())
                .contains("public.pg_like");
        assertThat(loader.load("s.yaml", VALID.replace("amount: {path", "oid: {path"))
                        .name())
                .as("oid is an ordinary column name since PostgreSQL 12")
                .isEqualTo("orders");
    }

    @Test
    void tables_and_keys_postgresql_cannot_create_are_refused_at_load() {
        StringBuilder wide = new StringBuilder();
        for (int i = 0; i < 1597; i++) {
            wide.append("    c").append(i).append(": {path: $.c").append(i).append("}\n");
        }
        String tooWide = VALID.replace("    amount: {path: $.amount, type: numeric}\n", wide.toString());
        String longKey = VALID.replace("key: [id]", "key: [" + "id, ".repeat(32) + "amount]");

        assertThatThrownBy(() -> loader.load("w.yaml", tooWide))
                .hasMessageContaining("sink.columns (w.yaml:14): declares 1598 columns; a PostgreSQL table has at most "
                        + "1600, 4 of which Sluice adds");
        assertThatThrownBy(() -> loader.load("w.yaml", longKey))
                .hasMessageContaining(
                        "sink.key (w.yaml:13): lists 33 columns; PostgreSQL's primary key takes at most 32");
    }

    @Test
    void durations_are_at_most_ten_years() {
        assertThatThrownBy(() -> loader.load("d.yaml", VALID + "runner: {lease_ttl: 3651d}\n"))
                .hasMessageContaining("runner.lease_ttl = \"3651d\" (d.yaml:17): expected a duration of at most 3650d");
        assertThatThrownBy(() -> loader.load("d.yaml", VALID + "runner: {lease_ttl: 99999999999999999999d}\n"))
                .hasMessageContaining("runner.lease_ttl");
        assertThat(loader.load("d.yaml", VALID + "runner: {lease_ttl: 3650d}\n")
                        .runner()
                        .leaseTtl())
                .hasDays(3650);
    }
}
