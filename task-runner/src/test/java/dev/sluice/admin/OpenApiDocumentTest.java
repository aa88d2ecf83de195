package dev.sluice.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code /openapi.json} documents exactly the routes the server registers, with the right security. */
class OpenApiDocumentTest {
    private final AdminApi api =
            new AdminApi(null, null, new AdminSettings("127.0.0.1", 0, "t0ken-x", false), DeadLetterReplays.NONE);

    @Test
    void every_route_is_documented_and_every_documented_operation_is_a_route() throws Exception {
        JsonNode doc = document();
        Set<String> documented = new HashSet<>();
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .properties()
                        .forEach(op -> documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        Set<String> routes = new HashSet<>();
        api.routes().forEach(r -> routes.add(r.method().name() + " " + r.path()));

        assertThat(documented).isEqualTo(routes);
    }

    @Test
    void mutations_are_documented_as_needing_the_bearer_token() throws Exception {
        JsonNode paths = document().get("paths");
        for (Route route : api.routes()) {
            JsonNode op = paths.get(route.path()).get(route.method().name().toLowerCase(Locale.ROOT));
            boolean bearerOnly = op.path("security").size() == 1
                    && op.path("security").get(0).has("bearer");
            assertThat(bearerOnly)
                    .as(route.method() + " " + route.path())
                    .isEqualTo(route.access() == Route.Access.MUTATE);
            if (route.access() == Route.Access.MUTATE) {
                assertThat(op.path("responses").has("401")).isTrue();
            }
        }
    }

    private static JsonNode document() throws Exception {
        try (InputStream in = AdminApi.class.getResourceAsStream("/admin/openapi.json")) {
            return Json.MAPPER.readTree(in);
        }
    }
}
