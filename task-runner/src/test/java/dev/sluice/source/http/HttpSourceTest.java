package dev.sluice.source.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import dev.sluice.breaker.SharedBreaker;
import dev.sluice.call.CallGate;
import dev.sluice.call.CallStats;
import dev.sluice.job.JobSpec;
import dev.sluice.job.JobSpecLoader;
import dev.sluice.partition.Partition;
import dev.sluice.ratelimit.SharedLimits;
import dev.sluice.source.Page;
import dev.sluice.source.Source;
import dev.sluice.source.SourceContext;
import dev.sluice.source.SourceRejectedException;
import dev.sluice.source.SourceUnavailableException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WireMockTest
class HttpSourceTest {
    private String base;
    private final CallStats stats = new CallStats();

    @BeforeEach
    void setUp(WireMockRuntimeInfo wm) {
        base = wm.getHttpBaseUrl();
    }

    private Source source(String sourceYaml, Map<String, String> env) {
        String yaml = """
                job: t
                partitions: {type: daily}
                source:
                %s
                sink: {type: postgres, table: t, key: [id], columns: {id: {path: $.id}}}
                retry: {max_attempts: 1}
                """.formatted(sourceYaml.indent(2).stripTrailing());
        JobSpec spec = new JobSpecLoader(env).load("t.yaml", yaml);
        Partition p = spec.partitions().parse("2026-11-01");
        CallGate gate = new CallGate(
                stats,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                SharedLimits.none(Clock.systemUTC()),
                SharedBreaker.disabled("test"),
                spec.retry(),
                Clock.systemUTC());
        return spec.source().open(new SourceContext(p, gate, Clock.systemUTC(), null));
    }

    private Source source(String sourceYaml) {
        return source(sourceYaml, Map.of());
    }

    private static final Partition DAY =
            new Partition("2026-11-01", Map.of("start", "2026-11-01", "end", "2026-11-02"));

    /** Reads every page, as the runner does, returning the ids in order. */
    private static List<String> readAll(Source source) {
        List<String> ids = new ArrayList<>();
        JsonNode position = null;
        for (int i = 0; i < 100; i++) {
            Page page = source.read(DAY, position);
            page.records().forEach(r -> ids.add(r.get("id").asText()));
            position = page.next();
            if (page.last()) {
                return ids;
            }
        }
        throw new AssertionError("did not finish");
    }

    @Test
    void follows_a_cursor_until_it_is_absent() {
        stubFor(get(urlPathEqualTo("/orders"))
                .withQueryParam("day", equalTo("2026-11-01"))
                .withQueryParam("cursor", absent())
                .willReturn(okJson("{\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"next_cursor\":\"c2\"}")));
        stubFor(get(urlPathEqualTo("/orders"))
                .withQueryParam("cursor", equalTo("c2"))
                .willReturn(okJson("{\"data\":[{\"id\":\"c\"}],\"next_cursor\":null}")));

        Source source = source("""
                type: http
                url: %s/orders
                params: {day: "{partition.start}"}
                pagination: {type: cursor}
                """.formatted(base));

        assertThat(readAll(source)).containsExactly("a", "b", "c");
        assertThat(stats.calls()).isEqualTo(2);
    }

    @Test
    void follows_next_links_in_the_body_relative_or_absolute() {
        stubFor(get(urlPathEqualTo("/v1/items"))
                .withQueryParam("page", absent())
                .willReturn(okJson("{\"items\":[{\"id\":\"1\"}],\"links\":{\"next\":\"/v1/items?page=2\"}}")));
        stubFor(get(urlPathEqualTo("/v1/items"))
                .withQueryParam("page", equalTo("2"))
                .willReturn(okJson("{\"items\":[{\"id\":\"2\"}],\"links\":{\"next\":null}}")));

        Source source = source("""
                type: http
                url: %s/v1/items
                records: $.items
                pagination: {type: next_link, next: $.links.next}
                """.formatted(base));

        assertThat(readAll(source)).containsExactly("1", "2");
    }

    @Test
    void follows_the_link_header() {
        stubFor(get(urlPathEqualTo("/x"))
                .withQueryParam("p", absent())
                .willReturn(okJson("[{\"id\":\"1\"}]")
                        .withHeader("Link", "<" + base + "/x?p=2>; rel=\"next\", <" + base + "/x?p=9>; rel=\"last\"")));
        stubFor(get(urlPathEqualTo("/x")).withQueryParam("p", equalTo("2")).willReturn(okJson("[{\"id\":\"2\"}]")));

        Source source = source("""
                type: http
                url: %s/x
                records: $
                pagination: {type: link_header}
                """.formatted(base));

        assertThat(readAll(source)).containsExactly("1", "2");
    }

    @Test
    void counts_page_numbers_until_a_short_page() {
        stubFor(get(urlPathEqualTo("/p"))
                .withQueryParam("page", equalTo("1"))
                .withQueryParam("per_page", equalTo("2"))
                .willReturn(okJson("{\"data\":[{\"id\":\"1\"},{\"id\":\"2\"}]}")));
        stubFor(get(urlPathEqualTo("/p"))
                .withQueryParam("page", equalTo("2"))
                .willReturn(okJson("{\"data\":[{\"id\":\"3\"}]}")));

        Source source = source("""
                type: http
                url: %s/p
                pagination: {type: page_number, size_param: per_page, size: 2}
                """.formatted(base));

        assertThat(readAll(source)).containsExactly("1", "2", "3");
    }

    @Test
    void advances_offsets_by_the_records_received_until_the_total() {
        stubFor(get(urlPathEqualTo("/o"))
                .withQueryParam("offset", equalTo("0"))
                .willReturn(okJson("{\"data\":[{\"id\":\"1\"},{\"id\":\"2\"}],\"total\":3}")));
        stubFor(get(urlPathEqualTo("/o"))
                .withQueryParam("offset", equalTo("2"))
                .willReturn(okJson("{\"data\":[{\"id\":\"3\"}],\"total\":3}")));

        Source source = source("""
                type: http
                url: %s/o
                pagination: {type: offset, total: $.total}
                """.formatted(base));

        assertThat(readAll(source)).containsExactly("1", "2", "3");
    }

    @Test
    void resumes_from_a_committed_position_without_refetching_earlier_pages() {
        stubFor(get(urlPathEqualTo("/orders"))
                .withQueryParam("cursor", equalTo("c2"))
                .willReturn(okJson("{\"data\":[{\"id\":\"c\"}]}")));
        Source source = source("""
                type: http
                url: %s/orders
                pagination: {type: cursor}
                """.formatted(base));

        Page page = source.read(
                DAY,
                dev.sluice.Json.MAPPER
                        .createObjectNode()
                        .set("next", dev.sluice.Json.MAPPER.createObjectNode().put("cursor", "c2")));

        assertThat(page.records()).extracting(r -> r.get("id").asText()).containsExactly("c");
        assertThat(page.last()).isTrue();
        verify(1, getRequestedFor(urlPathEqualTo("/orders")));
    }

    @Test
    void sends_auth_headers_and_the_traceparent() {
        stubFor(get(urlPathEqualTo("/a")).willReturn(okJson("{\"data\":[]}")));
        Source source = source("""
                type: http
                url: %s/a
                auth: {type: bearer, token: "${TOKEN}"}
                headers: {X-Tenant: "acme"}
                """.formatted(base), Map.of("TOKEN", "tok-123"));

        source.read(DAY, null);

        verify(getRequestedFor(urlPathEqualTo("/a"))
                .withHeader("Authorization", equalTo("Bearer tok-123"))
                .withHeader("X-Tenant", equalTo("acme"))
                .withHeader("traceparent", equalTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")));
    }

    @Test
    void an_api_key_in_the_query_is_added_to_next_links_and_never_shown_in_errors() {
        stubFor(get(urlPathEqualTo("/k")).willReturn(aResponse().withStatus(403).withBody("forbidden")));
        Source source = source("""
                type: http
                url: %s/k
                auth: {type: query, name: api_key, value: "${KEY}"}
                """.formatted(base), Map.of("KEY", "key-secret-9"));

        assertThatThrownBy(() -> source.read(DAY, null))
                .isInstanceOf(SourceRejectedException.class)
                .hasMessageContaining("403")
                .hasMessageNotContaining("key-secret-9");
        verify(getRequestedFor(urlPathEqualTo("/k")).withQueryParam("api_key", equalTo("key-secret-9")));
    }

    @Test
    void incremental_sources_send_the_high_water_mark_and_start_new_passes_from_it() {
        stubFor(
                get(urlPathEqualTo("/inc"))
                        .withQueryParam("updated_since", equalTo("2026-01-01T00:00:00Z"))
                        .willReturn(
                                okJson(
                                        "{\"data\":[{\"id\":\"1\",\"u\":\"2026-02-01T00:00:00Z\"},{\"id\":\"2\",\"u\":\"2026-03-01T00:00:00Z\"}]}")));
        Source source = source("""
                type: http
                url: %s/inc
                incremental: {cursor_field: $.u, param: updated_since, initial: "2026-01-01T00:00:00Z"}
                """.formatted(base));

        Page page = source.read(DAY, null);
        JsonNode nextPass = source.nextPass(page.next()).orElseThrow();

        assertThat(page.last()).isTrue();
        assertThat(page.next().get("max_cursor").asText()).isEqualTo("2026-03-01T00:00:00Z");
        assertThat(nextPass.get("since").asText()).isEqualTo("2026-03-01T00:00:00Z");
    }

    @Test
    void server_errors_rate_limits_and_bad_bodies_are_temporary_and_other_4xx_are_not() {
        stubFor(get(urlPathEqualTo("/503")).willReturn(aResponse().withStatus(503)));
        stubFor(get(urlPathEqualTo("/429")).willReturn(aResponse().withStatus(429)));
        stubFor(get(urlPathEqualTo("/bad")).willReturn(okJson("{\"data\":[{\"id\":")));
        stubFor(get(urlPathEqualTo("/404")).willReturn(aResponse().withStatus(404)));

        for (String path : List.of("/503", "/429", "/bad")) {
            assertThatThrownBy(() -> source("type: http\nurl: " + base + path).read(DAY, null))
                    .as(path)
                    .isInstanceOf(SourceUnavailableException.class);
        }
        assertThatThrownBy(() -> source("type: http\nurl: " + base + "/404").read(DAY, null))
                .isInstanceOf(SourceRejectedException.class)
                .hasMessageContaining("404");
        assertThat(stats.rateLimitedAnswers()).isEqualTo(1);
    }

    @Test
    void a_cursor_that_does_not_advance_stops_the_run_instead_of_looping() {
        stubFor(get(urlPathEqualTo("/loop"))
                .willReturn(okJson("{\"data\":[{\"id\":\"1\"}],\"next_cursor\":\"same\"}")));
        Source source = source("type: http\nurl: " + base + "/loop\npagination: {type: cursor}");

        Page first = source.read(DAY, null);

        assertThatThrownBy(() -> source.read(DAY, first.next()))
                .isInstanceOf(SourceRejectedException.class)
                .hasMessageContaining("same cursor twice");
    }

    @Test
    void records_that_are_not_a_list_are_a_malformed_answer() {
        stubFor(get(urlPathEqualTo("/obj")).willReturn(okJson("{\"data\":{\"id\":\"1\"}}")));

        assertThatThrownBy(() -> source("type: http\nurl: " + base + "/obj").read(DAY, null))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("not a list");
    }
}
