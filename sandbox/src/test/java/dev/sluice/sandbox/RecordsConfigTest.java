package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordsConfigTest {
    private static final String BODY = "{\"tokens\":1}";

    @Test
    void per_record_settings_change_at_runtime_through_the_admin_api() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits())) {
            Client client = new Client(sandbox);
            HttpResponse<String> r = client.post("/_sandbox/config", """
                    {"poison": "7", "malformed": "every=3", "malformed_kind": "missing_fields",
                     "idempotency": "ignore", "idempotency_header": "X-Key", "record_latency": "1ms~2ms",
                     "unit_limits": ["100/1h"], "cost_field": "usage.tokens", "cost_header": "X-Units",
                     "oauth_token_lifetime": "2m"}
                    """);
            JsonNode records = Client.json(r).path("records");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(records.path("poison").asText()).isEqualTo("7");
            assertThat(records.path("malformed").asText()).isEqualTo("every=3");
            assertThat(records.path("idempotency").asText()).isEqualTo("ignore");
            assertThat(records.path("record_latency").asText()).isEqualTo("1ms~2ms");
            assertThat(records.path("unit_limits").get(0).asText()).isEqualTo("window:100/1h");
            assertThat(records.path("oauth").path("token_lifetime").asText()).isEqualTo("2m");
            assertThat(client.post(EnrichmentTest.enrichment("7"), BODY, "X-Units", "1")
                            .statusCode())
                    .isEqualTo(422);
            assertThat(client.post(EnrichmentTest.enrichment("8"), BODY, "X-Units", "1", "X-Key", "k")
                            .statusCode())
                    .isEqualTo(201);
            assertThat(client.post(EnrichmentTest.enrichment("8"), BODY, "X-Units", "1", "X-Key", "k")
                            .statusCode())
                    .as("keys ignored")
                    .isEqualTo(201);
            assertThat(client.post(EnrichmentTest.enrichment("8"), BODY, "X-Units", "99")
                            .statusCode())
                    .as("the unit limit is in force")
                    .isEqualTo(429);
        }
    }

    @Test
    void an_invalid_per_record_setting_is_400_and_changes_nothing() {
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults())) {
            Client client = new Client(sandbox);
            SandboxConfig before = sandbox.config();

            for (String body : new String[] {
                "{\"poison\": \"7\", \"record_latency\": \"2ms~1ms\"}",
                "{\"idempotency\": \"sometimes\"}",
                "{\"malformed\": \"every=0\"}",
                "{\"malformed_kind\": \"garbled\"}",
                "{\"unit_limits\": [\"10/1x\"]}",
                "{\"cost_header\": \"Bad Header\"}",
                "{\"cost_field\": \"a..b\"}",
                "{\"oauth_token_lifetime\": \"0s\"}",
                "{\"poison\": 7}"
            }) {
                HttpResponse<String> r = client.post("/_sandbox/config", body);
                assertThat(r.statusCode()).as(body).isEqualTo(400);
                assertThat(Client.json(r).path("error").asText()).isEqualTo("invalid_config");
            }
            assertThat(sandbox.config()).isEqualTo(before);
        }
    }

    @Test
    void bad_settings_name_the_setting_value_and_rule() {
        assertThatThrownBy(() -> LatencyRange.parse("record latency", "5ms~1ms"))
                .hasMessage("record latency = \"5ms~1ms\": the range must be MIN~MAX with MIN <= MAX");
        assertThatThrownBy(() -> IdSet.parse("poison", "7,every=x"))
                .hasMessageContaining("poison = \"7,every=x\": every=N needs a whole number N >= 1");
        assertThatThrownBy(() -> IdempotencyMode.parse("maybe"))
                .hasMessage("idempotency = \"maybe\": must be honour or ignore");
        assertThatThrownBy(() -> MalformedKind.parse("bad"))
                .hasMessageContaining("malformed kind = \"bad\": must be not_json");
        assertThatThrownBy(() -> new OAuthConfig("app", null, null)).hasMessageContaining("give both");
        assertThatThrownBy(() -> OAuthConfig.client("app", "s3cret", Duration.ofMillis(500)))
                .hasMessage("oauth token lifetime = 500ms: must be at least 1s");
        assertThatThrownBy(() -> RecordsConfig.DEFAULTS.withIdempotencyHeader("Idempotency Key"))
                .hasMessageContaining("idempotency header = \"Idempotency Key\"");
    }

    @Test
    void the_text_forms_read_back() {
        assertThat(LatencyRange.parse("l", "100ms").toString()).isEqualTo("100ms");
        assertThat(LatencyRange.parse("l", "80ms~120ms").toString()).isEqualTo("80ms~120ms");
        assertThat(LatencyRange.parse("l", "80ms~120ms").at(0.5)).isEqualTo(Duration.ofMillis(100));
        assertThat(IdempotencyMode.parse("honor")).isEqualTo(IdempotencyMode.HONOUR);
        assertThat(OAuthConfig.client("app", "s3cret", Duration.ofHours(1)).toString())
                .doesNotContain("s3cret");
        assertThat(SandboxConfig.defaults()
                        .withRecords(RecordsConfig.DEFAULTS.withOAuth(
                                OAuthConfig.client("app", "s3cret", Duration.ofHours(1))))
                        .toString())
                .contains("client_id=app")
                .doesNotContain("s3cret");
    }
}
