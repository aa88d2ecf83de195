package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sandbox.internal.Json;
import java.net.http.HttpResponse;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PoisonAndMalformedTest {
    private static final String BODY = "{\"tokens\":1}";

    private static SandboxConfig config(RecordsConfig records) {
        return SandboxConfig.defaults().withLimits().withRecords(records);
    }

    @Test
    void poison_ids_are_422_with_an_error_body_and_apply_nothing() {
        RecordsConfig poison = RecordsConfig.DEFAULTS.withPoison(IdSet.parse("poison", "7,every=50"));
        try (Sandbox sandbox = Sandbox.start(config(poison))) {
            Client client = new Client(sandbox);
            HttpResponse<String> named = client.post(EnrichmentTest.enrichment("7"), BODY, "Idempotency-Key", "k-7");
            HttpResponse<String> every = client.post(EnrichmentTest.enrichment("100"), BODY);
            HttpResponse<String> fine = client.post(EnrichmentTest.enrichment("8"), BODY);
            HttpResponse<String> lookup = client.get("/v1/customers/150");

            assertThat(named.statusCode()).isEqualTo(422);
            assertThat(Client.json(named).path("error").asText()).isEqualTo("unprocessable_record");
            assertThat(Client.json(named).path("customer_id").asText()).isEqualTo("7");
            assertThat(every.statusCode()).isEqualTo(422);
            assertThat(fine.statusCode()).isEqualTo(201);
            assertThat(lookup.statusCode()).isEqualTo(422);
            assertThat(sandbox.record("7").effects()).isZero();
            assertThat(sandbox.record("7").poisonRejected()).isEqualTo(1);
            assertThat(sandbox.stats().records().poisonRejected()).isEqualTo(3);
            assertThat(sandbox.stats().records().effectsApplied()).isEqualTo(1);
        }
    }

    @Test
    void after_the_fix_a_replay_with_the_same_key_applies_a_poison_record_once() {
        RecordsConfig poison = RecordsConfig.DEFAULTS.withPoison(IdSet.parse("poison", "7"));
        try (Sandbox sandbox = Sandbox.start(config(poison))) {
            Client client = new Client(sandbox);
            HttpResponse<String> refused = client.post(EnrichmentTest.enrichment("7"), BODY, "Idempotency-Key", "k-7");
            HttpResponse<String> fix = client.post("/_sandbox/records/fix", "");
            HttpResponse<String> replay = client.post(EnrichmentTest.enrichment("7"), BODY, "Idempotency-Key", "k-7");
            HttpResponse<String> again = client.post(EnrichmentTest.enrichment("7"), BODY, "Idempotency-Key", "k-7");

            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(fix.statusCode()).isEqualTo(200);
            assertThat(Client.json(fix).path("poison").asText()).isEmpty();
            assertThat(replay.statusCode())
                    .as("the 422 stored nothing under the key")
                    .isEqualTo(201);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(sandbox.record("7").effects()).isEqualTo(1);
            assertThat(sandbox.config().records().poison().isEmpty()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = MalformedKind.class,
            names = {"NOT_JSON", "MISSING_FIELDS", "WRONG_TYPE"})
    void a_malformed_answer_keeps_its_status_and_its_effect_but_breaks_the_body(MalformedKind kind) {
        RecordsConfig malformed = RecordsConfig.DEFAULTS
                .withMalformed(IdSet.parse("malformed", "9"))
                .withMalformedKind(kind);
        try (Sandbox sandbox = Sandbox.start(config(malformed))) {
            HttpResponse<String> r = new Client(sandbox).post(EnrichmentTest.enrichment("9"), BODY);

            assertThat(r.statusCode()).isEqualTo(201);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
            assertBroken(kind, r.body());
            assertThat(sandbox.record("9").effects()).isEqualTo(1);
            assertThat(sandbox.stats().records().malformedSent()).isEqualTo(1);
        }
    }

    @Test
    void mixed_malformation_breaks_each_id_the_way_for_id_says() {
        RecordsConfig malformed = RecordsConfig.DEFAULTS.withMalformed(IdSet.parse("malformed", "every=1"));
        try (Sandbox sandbox = Sandbox.start(config(malformed))) {
            Client client = new Client(sandbox);
            for (int i = 0; i < 12; i++) {
                String id = String.valueOf(i);
                assertBroken(
                        MalformedKind.MIXED.forId(id),
                        client.get("/v1/customers/" + id).body());
            }
            assertThat(IntStream.range(0, 12)
                            .mapToObj(i -> MalformedKind.MIXED.forId(String.valueOf(i)))
                            .distinct())
                    .hasSize(3);
        }
    }

    @Test
    void a_malformed_record_replayed_after_the_fix_gets_the_well_formed_first_application() {
        RecordsConfig malformed = RecordsConfig.DEFAULTS
                .withMalformed(IdSet.parse("malformed", "9"))
                .withMalformedKind(MalformedKind.NOT_JSON);
        try (Sandbox sandbox = Sandbox.start(config(malformed))) {
            Client client = new Client(sandbox);
            HttpResponse<String> broken = client.post(EnrichmentTest.enrichment("9"), BODY, "Idempotency-Key", "k-9");
            sandbox.fixRecords();
            HttpResponse<String> replay = client.post(EnrichmentTest.enrichment("9"), BODY, "Idempotency-Key", "k-9");

            assertBroken(MalformedKind.NOT_JSON, broken.body());
            assertThat(replay.statusCode()).isEqualTo(200);
            assertThat(Client.json(replay).path("segment").asText())
                    .isEqualTo(Enrichment.expected("9").segment());
            assertThat(sandbox.record("9").effects()).isEqualTo(1);
        }
    }

    @Test
    void the_check_is_never_malformed_or_poisoned() {
        RecordsConfig both = RecordsConfig.DEFAULTS
                .withMalformed(IdSet.parse("malformed", "9"))
                .withPoison(IdSet.parse("poison", "7"));
        try (Sandbox sandbox = Sandbox.start(config(both))) {
            Client client = new Client(sandbox);
            client.post(EnrichmentTest.enrichment("9"), BODY);

            assertThat(Client.json(client.get(EnrichmentTest.enrichment("9")))
                            .path("segment")
                            .asText())
                    .isEqualTo(Enrichment.expected("9").segment());
            assertThat(client.get(EnrichmentTest.enrichment("7")).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void every_n_selects_integer_ids_by_value_and_other_ids_by_a_stable_hash() {
        IdSet every50 = IdSet.parse("poison", "every=50");
        IdSet every10 = IdSet.parse("poison", "every=10");

        assertThat(every50.matches("50")).isTrue();
        assertThat(every50.matches("0")).isTrue();
        assertThat(every50.matches("-100")).isTrue();
        assertThat(every50.matches("49")).isFalse();
        assertThat(IntStream.rangeClosed(1, 2000).filter(i -> every50.matches(String.valueOf(i))))
                .hasSize(40);
        assertThat(IntStream.range(0, 10_000).filter(i -> every10.matches("cust-" + i)))
                .as("about one string id in ten")
                .hasSizeBetween(800, 1200);
        assertThat(IdSet.parse("poison", "13,7,every=50").toString()).isEqualTo("13,7,every=50");
        assertThat(IdSet.parse("poison", "none").isEmpty()).isTrue();
    }

    private static void assertBroken(MalformedKind kind, String body) {
        switch (kind) {
            case NOT_JSON ->
                assertThatThrownBy(() -> Json.MAPPER.readTree(body)).isNotNull();
            case MISSING_FIELDS -> assertThat(iterable(json(body).fieldNames())).containsExactly("customer_id");
            case WRONG_TYPE -> {
                JsonNode json = json(body);
                json.properties()
                        .forEach(e -> assertThat(
                                        e.getValue().isNumber() || e.getValue().isBoolean())
                                .as("%s is a number or boolean in %s", e.getKey(), body)
                                .isEqualTo(e.getKey().equals("customer_id")));
                assertThat(json.size()).isGreaterThan(5);
            }
            case MIXED -> throw new IllegalArgumentException("a concrete kind");
        }
    }

    private static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}
