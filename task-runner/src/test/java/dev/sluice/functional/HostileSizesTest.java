package dev.sluice.functional;

import static dev.sluice.testing.HostileApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.HostileApi;
import dev.sluice.testing.HostileJob;
import dev.sluice.testing.SluiceProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7, class 5: limits that hold. A body over {@code max_response_size} is a data error (65)
 * refused without being read into memory, even a gigabyte in a 128 MB heap; {@code max_pages}
 * stops a run whose pages never end (78) before it reads the page after the limit.
 */
class HostileSizesTest {
    private static final long GIGABYTE = 1L << 30;

    @ParameterizedTest(name = "Content-Length given: {0}")
    @ValueSource(booleans = {true, false})
    void a_gigabyte_body_is_refused_with_65_in_a_128_MB_heap_without_reading_it_whole(boolean declared) {
        try (HostileApi api = HostileApi.start().on("/items", HostileApi.huge(GIGABYTE, declared));
                HostileJob job = HostileJob.create(
                        "huge_" + (declared ? "declared" : "chunked"),
                        "url: ${API}/items",
                        "",
                        Map.of("API", api.origin()))) {
            SluiceProcess.Result run = job.run("SLUICE_JAVA_OPTS", "-Xmx128m");

            assertThat(run.exit()).as(run.describe()).isEqualTo(65);
            assertThat(run.stderr()).doesNotContain("OutOfMemoryError");
            assertThat(run.json().get("message").asText())
                    .contains("GET " + api.origin() + "/items is larger than max_response_size 64MB")
                    .contains(
                            declared ? "Content-Length: 1073741824 bytes); it was refused unread" : "reading stopped");
            assertThat(api.requests()).as("a data error is not retried").hasSize(1);
            assertThat(api.bytesSent())
                    .as("the client stopped reading: most of the gigabyte was never sent")
                    .isLessThan(declared ? 64L << 20 : 256L << 20);
            assertThat(job.ids()).isEmpty();
            assertThat(job.attempts()).singleElement().satisfies(a -> {
                assertThat(a.get("status")).isEqualTo("failed");
                assertThat(a.get("exit_code")).isEqualTo(65);
            });
        }
    }

    @Test
    void a_body_over_the_specs_own_max_response_size_is_refused() {
        String body = "{\"data\":[{\"id\":\"" + "x".repeat(2000) + "\"}]}";
        try (HostileApi api = HostileApi.start().on("/items", json(body));
                HostileJob job = HostileJob.create(
                        "huge_small_cap",
                        "url: ${API}/items\nmax_response_size: 1KB",
                        "",
                        Map.of("API", api.origin()))) {
            SluiceProcess.Result run = job.run();

            assertThat(run.exit()).as(run.describe()).isEqualTo(65);
            assertThat(run.json().get("message").asText()).contains("max_response_size 1KB", "Content-Length: 2");
            assertThat(job.ids()).isEmpty();
        }
    }

    @Test
    void max_pages_stops_the_run_with_78_before_reading_the_page_after_the_limit() {
        try (HostileApi api = HostileApi.start().on("/items", request -> {
                    int page = request.query() == null
                            ? 0
                            : Integer.parseInt(request.query().replace("cursor=", ""));
                    return json("{\"data\":[{\"id\":\"p" + page + "\"}],\"next_cursor\":\"" + (page + 1) + "\"}");
                });
                HostileJob job = HostileJob.create(
                        "max_pages",
                        "url: ${API}/items\npagination: {type: cursor}\nmax_pages: 3",
                        "",
                        Map.of("API", api.origin()))) {
            SluiceProcess.Result run = job.run();

            assertThat(run.exit()).as(run.describe()).isEqualTo(78);
            assertThat(run.json().get("message").asText())
                    .contains("source.max_pages = 3 reached", "before reading page 4");
            assertThat(api.requests()).hasSize(3);
            assertThat(job.ids()).containsExactly("p0", "p1", "p2");
            assertThat((String) job.partition().get("watermark")).contains("\"cursor\": \"3\"");
            assertThat(job.attempts())
                    .singleElement()
                    .satisfies(a -> assertThat(a.get("exit_code")).isEqualTo(78));

            SluiceProcess.Result again = job.run();

            assertThat(again.exit()).as(again.describe()).isEqualTo(78);
            assertThat(api.requests())
                    .as("the limit holds across attempts: no request")
                    .hasSize(3);
        }
    }
}
