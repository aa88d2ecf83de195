package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnrichmentTest {
    private static final SandboxConfig NO_LIMITS = SandboxConfig.defaults().withLimits();
    private static final String BODY = "{\"customer_id\":42,\"tokens\":12}";

    static String enrichment(String id) {
        return "/v1/customers/" + id + "/enrichment";
    }

    @Test
    void the_first_post_applies_the_effect_and_answers_201_with_the_deterministic_enrichment() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            Enrichment expected = Enrichment.expected("42");
            HttpResponse<String> r = new Client(sandbox).post(enrichment("42"), BODY, "Idempotency-Key", "k-42");
            JsonNode json = Client.json(r);

            assertThat(r.statusCode()).isEqualTo(201);
            assertThat(r.headers().firstValue("Idempotent-Replayed")).isEmpty();
            assertThat(json.path("customer_id").isIntegralNumber()).isTrue();
            assertThat(json.path("customer_id").asLong()).isEqualTo(42);
            assertThat(json.path("segment").asText()).isEqualTo(expected.segment());
            assertThat(json.path("score").isFloatingPointNumber()).isTrue();
            assertThat(json.path("score").asDouble()).isEqualTo(expected.score());
            assertThat(json.path("lifetime_value").asText())
                    .isEqualTo(expected.lifetimeValue().toPlainString())
                    .matches("[0-9]+\\.[0-9]{2}");
            assertThat(json.path("active").isBoolean()).isTrue();
            assertThat(json.path("active").asBoolean()).isEqualTo(expected.active());
            assertThat(json.path("attributes").path("region").asText()).isEqualTo(expected.region());
            assertThat(json.path("attributes").path("tags").size())
                    .isEqualTo(expected.tags().size());
            assertThat(Instant.parse(json.path("enriched_at").asText())).isBeforeOrEqualTo(Instant.now());
            assertThat(json.path("request_id").asText()).matches("req_[0-9a-f]{16}");
            assertThat(sandbox.record("42").effects()).isEqualTo(1);
            assertThat(sandbox.stats().records().effectsApplied()).isEqualTo(1);
            assertThat(sandbox.stats().records().recordsApplied()).isEqualTo(1);
        }
    }

    @Test
    void a_repeat_with_the_same_key_and_body_replays_the_first_answer_and_applies_nothing() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            Client client = new Client(sandbox);
            HttpResponse<String> first = client.post(enrichment("42"), BODY, "Idempotency-Key", "k-42");
            HttpResponse<String> repeat = client.post(enrichment("42"), BODY, "Idempotency-Key", "k-42");

            assertThat(repeat.statusCode()).isEqualTo(200);
            assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(repeat.body()).isEqualTo(first.body());
            assertThat(sandbox.record("42").effects()).isEqualTo(1);
            assertThat(sandbox.record("42").replays()).isEqualTo(1);
            assertThat(sandbox.stats().records().duplicateKeys()).isEqualTo(1);
            assertThat(sandbox.stats().records().replays()).isEqualTo(1);
        }
    }

    @Test
    void the_same_key_with_another_body_or_for_another_customer_is_422_and_applies_nothing() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            Client client = new Client(sandbox);
            client.post(enrichment("42"), BODY, "Idempotency-Key", "k-42");
            HttpResponse<String> otherBody =
                    client.post(enrichment("42"), "{\"customer_id\":42,\"tokens\":13}", "Idempotency-Key", "k-42");
            HttpResponse<String> otherCustomer = client.post(enrichment("43"), BODY, "Idempotency-Key", "k-42");

            assertThat(otherBody.statusCode()).isEqualTo(422);
            assertThat(Client.json(otherBody).path("error").asText()).isEqualTo("idempotency_key_reused");
            assertThat(otherCustomer.statusCode()).isEqualTo(422);
            assertThat(sandbox.record("42").effects()).isEqualTo(1);
            assertThat(sandbox.record("43").effects()).isZero();
            assertThat(sandbox.stats().records().keysReused()).isEqualTo(2);
            assertThat(sandbox.stats().records().effectsApplied()).isEqualTo(1);
        }
    }

    @Test
    void without_a_key_every_post_applies_the_effect() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            Client client = new Client(sandbox);
            HttpResponse<String> first = client.post(enrichment("42"), BODY);
            HttpResponse<String> second = client.post(enrichment("42"), BODY);

            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(second.statusCode()).isEqualTo(201);
            assertThat(sandbox.record("42").effects()).isEqualTo(2);
            assertThat(sandbox.stats().records().recordsAppliedTwice()).isEqualTo(1);
            assertThat(sandbox.stats().records().extraEffects()).isEqualTo(1);
        }
    }

    @Test
    void in_ignore_mode_a_repeated_key_applies_the_effect_again_and_counts_as_a_duplicate() {
        SandboxConfig ignore = NO_LIMITS.withRecords(RecordsConfig.DEFAULTS.withIdempotency(IdempotencyMode.IGNORE));
        try (Sandbox sandbox = Sandbox.start(ignore)) {
            Client client = new Client(sandbox);
            client.post(enrichment("42"), BODY, "Idempotency-Key", "k-42");
            HttpResponse<String> repeat = client.post(enrichment("42"), BODY, "Idempotency-Key", "k-42");

            assertThat(repeat.statusCode()).isEqualTo(201);
            assertThat(repeat.headers().firstValue("Idempotent-Replayed")).isEmpty();
            assertThat(sandbox.record("42").effects()).isEqualTo(2);
            assertThat(sandbox.record("42").duplicateKeys()).isEqualTo(1);
            assertThat(sandbox.stats().records().recordsAppliedTwice()).isEqualTo(1);
            assertThat(sandbox.stats().records().replays()).isZero();
        }
    }

    @Test
    void the_key_header_is_the_configured_one() {
        SandboxConfig custom = NO_LIMITS.withRecords(RecordsConfig.DEFAULTS.withIdempotencyHeader("X-Request-Key"));
        try (Sandbox sandbox = Sandbox.start(custom)) {
            Client client = new Client(sandbox);
            client.post(enrichment("1"), BODY, "Idempotency-Key", "k-1");
            client.post(enrichment("1"), BODY, "Idempotency-Key", "k-1");
            client.post(enrichment("2"), BODY, "X-Request-Key", "k-2");
            HttpResponse<String> repeat = client.post(enrichment("2"), BODY, "X-Request-Key", "k-2");

            assertThat(sandbox.record("1").effects())
                    .as("the default header is not read")
                    .isEqualTo(2);
            assertThat(repeat.statusCode()).isEqualTo(200);
            assertThat(sandbox.record("2").effects()).isEqualTo(1);
            assertThat(sandbox.record("2").idempotencyKeys()).containsExactly("k-2");
        }
    }

    @Test
    void the_check_answers_404_until_the_effect_is_applied_then_the_first_application() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            Client client = new Client(sandbox);
            HttpResponse<String> before = client.get(enrichment("42"));
            HttpResponse<String> post = client.post(enrichment("42"), BODY);
            client.post(enrichment("42"), BODY);
            HttpResponse<String> after = client.get(enrichment("42"));

            assertThat(before.statusCode()).isEqualTo(404);
            assertThat(Client.json(before).path("error").asText()).isEqualTo("not_found");
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).as("the first application").isEqualTo(post.body());
            assertThat(sandbox.record("42").effects())
                    .as("checks apply nothing")
                    .isEqualTo(2);
        }
    }

    @Test
    void the_lookup_serves_the_deterministic_profile_and_applies_nothing() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            CustomerProfile expected = CustomerProfile.of("cust ü/7");
            HttpResponse<String> r = new Client(sandbox).get("/v1/customers/cust%20%C3%BC%2F7");
            JsonNode json = Client.json(r);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json.path("customer_id").isTextual()).isTrue();
            assertThat(json.path("customer_id").asText()).isEqualTo("cust ü/7");
            assertThat(json.path("name").asText()).isEqualTo(expected.name());
            assertThat(json.path("email").asText()).isEqualTo(expected.email());
            assertThat(json.path("created_at").asText())
                    .isEqualTo(expected.createdAt().toString());
            assertThat(json.path("credit_limit").asText())
                    .isEqualTo(expected.creditLimit().toPlainString());
            assertThat(json.path("orders_count").asInt()).isEqualTo(expected.ordersCount());
            assertThat(json.path("rating").asDouble()).isEqualTo(expected.rating());
            assertThat(json.path("vip").asBoolean()).isEqualTo(expected.vip());
            assertThat(json.path("preferences").path("channels").size()).isEqualTo(2);
            assertThat(sandbox.record("cust ü/7").effects()).isZero();
            assertThat(sandbox.record("cust ü/7").requests("lookup", 200)).isEqualTo(1);
        }
    }

    @Test
    void a_body_that_is_not_a_json_object_is_400_and_applies_nothing() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            HttpResponse<String> r = new Client(sandbox).post(enrichment("42"), "[1,2]", "Idempotency-Key", "k-42");

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(Client.json(r).path("error").asText()).isEqualTo("invalid_body");
            assertThat(sandbox.record("42").effects()).isZero();
            assertThat(sandbox.record("42").requests("enrich", 400)).isEqualTo(1);
        }
    }

    @Test
    void the_enrichment_is_a_function_of_the_id_alone() {
        assertThat(Enrichment.expected("42")).isEqualTo(Enrichment.expected("42"));
        assertThat(Enrichment.expected("42").customerIdValue()).isEqualTo(42L);
        assertThat(Enrichment.expected("042").customerIdValue()).isEqualTo("042");
        assertThat(java.util.stream.IntStream.range(0, 200)
                        .mapToObj(i -> Enrichment.expected(String.valueOf(i)).segment())
                        .distinct()
                        .count())
                .as("ids spread over the segments")
                .isEqualTo(4);
    }
}
