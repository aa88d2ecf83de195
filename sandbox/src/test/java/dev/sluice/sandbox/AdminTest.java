package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.internal.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdminTest {
    private static final String ORDERS = "/v1/orders?partition=eu";

    @Test
    void health_answers_ok() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults())) {
            HttpResponse<String> r = new Client(sandbox).get("/_sandbox/health");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Client.json(r).path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void stats_serve_every_counter_as_json() throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("2/1h"))) {
            Client client = new Client(sandbox);
            IntStream.range(0, 3).forEach(i -> client.get(ORDERS));
            client.get("/v1/orders?partition=us");
            JsonNode json = Client.json(client.get("/_sandbox/stats"));

            assertThat(iterable(json.fieldNames()))
                    .containsExactly(
                            "requests",
                            "admitted",
                            "served_ok",
                            "rate_limited",
                            "early_after_429",
                            "unauthorized",
                            "bad_requests",
                            "faults",
                            "duplicates",
                            "events_accepted",
                            "partition_requests",
                            "first_request",
                            "last_request",
                            "last_answered",
                            "admitted_per_second",
                            "records",
                            "oauth",
                            "limit_peaks");
            assertThat(json.path("requests").asLong()).isEqualTo(4);
            assertThat(json.path("rate_limited").asLong()).isEqualTo(2);
            assertThat(json.path("partition_requests").path("eu").asLong()).isEqualTo(3);
            assertThat(Json.MAPPER.treeToValue(json, SandboxStats.class)).isEqualTo(sandbox.stats());
        }
    }

    @Test
    void the_busy_span_ends_with_the_last_answer_not_the_last_request() {
        SandboxConfig config = SandboxConfig.defaults()
                .withLimits("2/1h")
                .withFaults(Faults.NONE.withLatency(Duration.ofMillis(300), Duration.ZERO));
        try (Sandbox sandbox = Sandbox.start(config)) {
            Client client = new Client(sandbox);
            IntStream.range(0, 3).forEach(i -> client.get(ORDERS)); // the third is refused: no answer of work

            SandboxStats stats = sandbox.stats();
            assertThat(Duration.between(stats.firstRequest(), stats.lastAnswered()))
                    .as("the second admitted request's answer left after its 300 ms latency")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(600));
            assertThat(stats.lastAnswered()).isBefore(stats.lastRequest());
        }
    }

    @Test
    void reset_zeroes_the_stats() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults())) {
            Client client = new Client(sandbox);
            client.get(ORDERS);
            HttpResponse<String> r = client.post("/_sandbox/reset", "");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(sandbox.stats().requests()).isZero();
            assertThat(sandbox.stats().firstRequest()).isNull();
        }
    }

    @Test
    void admin_requests_are_neither_rate_limited_nor_counted() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("1/1h"))) {
            Client client = new Client(sandbox);
            List<Integer> statuses = IntStream.range(0, 10)
                    .mapToObj(i -> client.get("/_sandbox/stats").statusCode())
                    .toList();

            assertThat(statuses).containsOnly(200);
            assertThat(sandbox.stats().requests()).isZero();
        }
    }

    @Test
    void posting_config_changes_limits_and_faults_at_run_time() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            Client client = new Client(sandbox);
            HttpResponse<String> changed = client.post(
                    "/_sandbox/config", "{\"limits\": [\"2/1h\"], \"error_rate\": 0.0, \"latency\": \"5ms\"}");
            List<Integer> statuses = IntStream.range(0, 3)
                    .mapToObj(i -> client.get(ORDERS).statusCode())
                    .toList();

            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(Client.json(changed).path("limits").get(0).asText()).isEqualTo("window:2/1h");
            assertThat(Client.json(changed).path("latency").asText()).isEqualTo("5ms");
            assertThat(statuses).containsExactly(200, 200, 429);
            assertThat(sandbox.config().limits()).containsExactly(LimitSpec.parse("2/1h"));
        }
    }

    @Test
    void posting_config_starts_and_ends_an_outage_and_fails_a_partition() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            Client client = new Client(sandbox);
            client.post("/_sandbox/config", "{\"outage\": \"1h\"}");
            int during = client.get(ORDERS).statusCode();
            client.post("/_sandbox/config", "{\"outage\": \"0s\", \"fail_first\": {\"eu\": 1}}");

            assertThat(during).isEqualTo(503);
            assertThat(client.get(ORDERS).statusCode()).isEqualTo(503);
            assertThat(client.get(ORDERS).statusCode()).isEqualTo(200);
            assertThat(sandbox.stats().fault(FaultKind.OUTAGE)).isEqualTo(1);
            assertThat(sandbox.stats().fault(FaultKind.PARTITION_FAILURE)).isEqualTo(1);
        }
    }

    @Test
    void posting_fail_at_fails_a_window_of_the_partitions_requests_from_now_on() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            Client client = new Client(sandbox);
            client.get(ORDERS);
            HttpResponse<String> r = client.post("/_sandbox/config", "{\"fail_at\": {\"eu\": \"1+2\"}}");
            List<Integer> statuses = IntStream.range(0, 4)
                    .mapToObj(i -> client.get(ORDERS).statusCode())
                    .toList();

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(statuses).containsExactly(200, 503, 503, 200);
            assertThat(sandbox.stats().fault(FaultKind.PARTITION_FAILURE)).isEqualTo(2);
        }
    }

    @Test
    void a_configured_fail_at_shows_in_the_config_as_text() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withFailAt("eu", 3, 2))) {
            JsonNode config = Client.json(new Client(sandbox).get("/_sandbox/config"));

            assertThat(config.path("fail_at").path("eu").asText()).isEqualTo("3+2");
        }
    }

    @Test
    void a_bad_fail_at_is_400_naming_the_value_and_arms_nothing() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            Client client = new Client(sandbox);
            HttpResponse<String> text = client.post("/_sandbox/config", "{\"fail_at\": {\"eu\": \"two+3\"}}");
            HttpResponse<String> number = client.post("/_sandbox/config", "{\"fail_at\": {\"eu\": 3}}");
            HttpResponse<String> negative = client.post("/_sandbox/config", "{\"fail_first\": {\"eu\": -1}}");

            assertThat(List.of(text.statusCode(), number.statusCode(), negative.statusCode()))
                    .containsOnly(400);
            assertThat(Client.json(text).path("message").asText()).contains("\"two\" must be a whole number");
            assertThat(Client.json(number).path("message").asText()).contains("fail_at.eu = 3");
            assertThat(Client.json(negative).path("message").asText()).contains("-1");
            assertThat(client.get(ORDERS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void the_ground_truth_of_a_partition_is_served_whole_without_being_counted() throws Exception {
        try (Sandbox sandbox =
                Sandbox.start(SandboxConfig.defaults().withLimits("1/1h").withRecordsPerPartition(250))) {
            Client client = new Client(sandbox);
            HttpResponse<String> r = client.get("/_sandbox/orders?partition=2026-11-01");
            JsonNode body = Client.json(r);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(body.path("count").asInt()).isEqualTo(250);
            assertThat(body.path("orders").size()).isEqualTo(250);
            assertThat(Json.MAPPER.treeToValue(body.path("orders").get(249), Order.class))
                    .isEqualTo(sandbox.dataset().order("2026-11-01", 250));
            assertThat(client.get("/_sandbox/orders").statusCode()).isEqualTo(400);
            assertThat(sandbox.stats().requests()).isZero();
        }
    }

    @Test
    void posting_a_bad_config_is_400_naming_the_field_and_changes_nothing() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults())) {
            Client client = new Client(sandbox);
            HttpResponse<String> unknown = client.post("/_sandbox/config", "{\"error_rat\": 0.5}");
            HttpResponse<String> badLimit =
                    client.post("/_sandbox/config", "{\"limits\": [\"fifty/1s\"], \"error_rate\": 0.5}");
            HttpResponse<String> badRate = client.post("/_sandbox/config", "{\"error_rate\": 1.5}");

            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(Client.json(unknown).path("message").asText()).contains("error_rat");
            assertThat(Client.json(badLimit).path("message").asText()).contains("fifty/1s");
            assertThat(Client.json(badRate).path("message").asText()).contains("1.5");
            assertThat(sandbox.config()).isEqualTo(SandboxConfig.defaults());
        }
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
