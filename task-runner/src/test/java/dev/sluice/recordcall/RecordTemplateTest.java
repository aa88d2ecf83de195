package dev.sluice.recordcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.http.StatusRules;
import dev.sluice.partition.Partition;
import dev.sluice.recordcall.internal.CallRequests;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordTemplateTest {
    private static final Partition DAY = new Partition("2026-11-01", Map.of("start", "2026-11-01"));

    @Test
    void a_body_string_that_is_one_variable_becomes_the_value_itself_with_its_type() throws Exception {
        JsonNode record = Json.MAPPER.readTree("{\"id\": 42, \"address\": {\"city\": \"Lyon\"}, \"vip\": true}");
        JsonNode template = Json.MAPPER.readTree(
                "{\"customer\": \"{record}\", \"where\": \"{record.address}\", \"n\": \"{record.id}\","
                        + " \"text\": \"#{record.id} in {record.address.city} on {partition}\", \"literal\": \"{not a var}\"}");

        JsonNode body = RecordTemplate.renderBody(template, record, DAY);

        assertThat(body.get("customer")).isEqualTo(record);
        assertThat(body.get("where").get("city").asText()).isEqualTo("Lyon");
        assertThat(body.get("n").isNumber()).isTrue();
        assertThat(body.get("text").asText()).isEqualTo("#42 in Lyon on 2026-11-01");
        assertThat(body.get("literal").asText()).isEqualTo("{not a var}");
    }

    @Test
    void a_record_without_a_templated_value_is_refused_before_anything_is_sent() throws Exception {
        JsonNode record = Json.MAPPER.readTree("{\"id\": 1, \"email\": null}");

        assertThatThrownBy(() -> RecordTemplate.render("/x/{record.email}", record, DAY, v -> v))
                .isInstanceOf(RecordTemplate.MissingFieldException.class)
                .hasMessageContaining("{record.email}");
    }

    @Test
    void the_idempotency_key_is_the_same_for_the_same_request_and_changes_with_the_request() throws Exception {
        CallSpec spec = spec("{\"method\": \"POST\", \"url\": \"https://api.example.com/v1/c/{record.id}\","
                + " \"body\": {\"c\": \"{record}\"}}");
        CallRequests one = new CallRequests(spec, "enrich", DAY, StatusRules.DEFAULT);
        CallRequests again = new CallRequests(spec, "enrich", DAY, StatusRules.DEFAULT);
        JsonNode record = Json.MAPPER.readTree("{\"id\": \"a b/7\", \"n\": 1}");

        CallRequests.Built first = one.build(record, "a b/7", Span.getInvalid());
        CallRequests.Built second =
                again.build(Json.MAPPER.readTree("{\"id\": \"a b/7\", \"n\": 1}"), "a b/7", Span.getInvalid());
        CallRequests.Built changed =
                one.build(Json.MAPPER.readTree("{\"id\": \"a b/7\", \"n\": 2}"), "a b/7", Span.getInvalid());
        CallRequests.Built otherJob =
                new CallRequests(spec, "other", DAY, StatusRules.DEFAULT).build(record, "a b/7", Span.getInvalid());

        assertThat(first.request().uri().toString()).isEqualTo("https://api.example.com/v1/c/a%20b%2F7");
        assertThat(first.idempotencyKey()).startsWith("sluice-").isEqualTo(second.idempotencyKey());
        assertThat(first.request().headers()).containsEntry("Idempotency-Key", first.idempotencyKey());
        assertThat(List.of(changed.idempotencyKey(), otherJob.idempotencyKey())).doesNotContain(first.idempotencyKey());
    }

    @Test
    void a_record_read_back_with_its_fields_in_another_order_makes_the_same_request_and_key() throws Exception {
        // A replay reads the record back from a dead letter's jsonb, which orders object keys its own way.
        CallSpec spec = spec("{\"method\": \"POST\", \"url\": \"https://api.example.com/v1/c/{record.id}\","
                + " \"body\": {\"customer\": \"{record}\"}}");
        CallRequests requests = new CallRequests(spec, "enrich", DAY, StatusRules.DEFAULT);

        CallRequests.Built read = requests.build(
                Json.MAPPER.readTree(
                        "{\"name\": \"Ann\", \"id\": \"7\", \"address\": {\"zip\": \"69001\", \"city\": \"Lyon\"}}"),
                "7",
                Span.getInvalid());
        CallRequests.Built readBack = requests.build(
                Json.MAPPER.readTree(
                        "{\"id\": \"7\", \"name\": \"Ann\", \"address\": {\"city\": \"Lyon\", \"zip\": \"69001\"}}"),
                "7",
                Span.getInvalid());

        assertThat(readBack.request().body()).isEqualTo(read.request().body());
        assertThat(readBack.idempotencyKey()).isEqualTo(read.idempotencyKey());
    }

    @Test
    void without_an_idempotency_header_no_key_is_sent() throws Exception {
        CallSpec spec = spec("{\"method\": \"GET\", \"url\": \"https://api.example.com/v1/c/{record.id}\","
                + " \"idempotency_header\": \"off\", \"query\": {\"day\": \"{partition}\"}}");

        CallRequests.Built built = new CallRequests(spec, "j", DAY, StatusRules.DEFAULT)
                .build(Json.MAPPER.readTree("{\"id\": 3}"), "3", Span.getInvalid());

        assertThat(built.idempotencyKey()).isNull();
        assertThat(built.request().headers()).doesNotContainKey("Idempotency-Key");
        assertThat(built.request().uri().toString()).isEqualTo("https://api.example.com/v1/c/3?day=2026-11-01");
        assertThat(built.request().body()).isNull();
    }

    private static CallSpec spec(String json) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .readValue(json, CallSpec.class);
    }
}
