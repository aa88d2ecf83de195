package dev.sluice.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The selftest's API: bearer auth, cursor pages over its ground truth, one 503 to retry. */
class FixtureApiTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void serves_the_partitions_orders_in_cursor_pages_after_one_503_and_only_with_the_token() throws Exception {
        try (FixtureApi api = FixtureApi.start("t0ken", 120)) {
            assertThat(get(api, "/v1/orders?partition=2026-11-01&page_size=50", "wrong")
                            .statusCode())
                    .isEqualTo(401);

            List<String> ids = new ArrayList<>();
            List<Integer> statuses = new ArrayList<>();
            String cursor = "";
            do {
                HttpResponse<String> page = get(api, "/v1/orders?partition=2026-11-01&page_size=50" + cursor, "t0ken");
                statuses.add(page.statusCode());
                if (page.statusCode() == 200) {
                    JsonNode body = Json.MAPPER.readTree(page.body());
                    body.get("data").forEach(o -> ids.add(o.get("id").asText()));
                    cursor = body.get("next_cursor").isNull()
                            ? null
                            : "&cursor=" + body.get("next_cursor").asText();
                }
            } while (cursor != null);

            assertThat(statuses).containsExactly(200, 503, 200, 200);
            assertThat(ids)
                    .containsExactlyElementsOf(api.orders("2026-11-01").stream()
                            .map(FixtureApi.Order::id)
                            .toList());
            assertThat(api.requests()).isEqualTo(5);
        }
    }

    private HttpResponse<String> get(FixtureApi api, String path, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(api.baseUrl() + path))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
