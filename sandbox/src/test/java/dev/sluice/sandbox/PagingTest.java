package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PagingTest {
    private static final String P = "2026-11-01";
    private static Sandbox sandbox;
    private static Client client;
    private static List<Order> truth;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(SandboxConfig.defaults().withLimits().withRecordsPerPartition(250));
        client = new Client(sandbox);
        truth = Sandbox.expectedRecords(42, P, 250);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void page_numbers_walk_the_whole_partition_without_gaps_or_duplicates() {
        assertThat(walk(n -> "/v1/orders?partition=" + P + "&page=" + (n + 1) + "&page_size=37"))
                .isEqualTo(truth);
    }

    @Test
    void offset_and_limit_walk_the_same_records() {
        assertThat(walk(n -> "/v1/orders?partition=" + P + "&offset=" + n * 40 + "&limit=40"))
                .isEqualTo(truth);
    }

    @Test
    void cursors_walk_the_same_records() {
        List<Order> loaded = new ArrayList<>();
        Page page = page("/v1/orders?partition=" + P + "&page_size=60");
        loaded.addAll(page.data());
        while (page.nextCursor() != null) {
            page = page("/v1/orders?partition=" + P + "&page_size=60&cursor=" + page.nextCursor());
            loaded.addAll(page.data());
        }
        assertThat(loaded).isEqualTo(truth);
    }

    @Test
    void next_links_in_body_and_header_walk_the_same_records() {
        List<Order> byBody = new ArrayList<>();
        List<Order> byHeader = new ArrayList<>();
        String next = sandbox.baseUrl() + "/v1/orders?partition=" + P + "&page_size=90";
        while (next != null) {
            HttpResponse<String> r = client.get(next);
            Page page = Page.of(r.body());
            byBody.addAll(page.data());
            byHeader.addAll(page.data());
            assertThat(r.headers().firstValue("Link").orElse(null))
                    .isEqualTo(page.next() == null ? null : "<" + page.next() + ">; rel=\"next\"");
            next = page.next();
        }
        assertThat(byBody).isEqualTo(truth);
        assertThat(byHeader).isEqualTo(truth);
    }

    @Test
    void a_page_reports_its_number_size_total_and_whether_more_follow() {
        Page second = page("/v1/orders?partition=" + P + "&page=2&page_size=100");
        Page last = page("/v1/orders?partition=" + P + "&page=3&page_size=100");

        assertThat(second.page()).isEqualTo(2);
        assertThat(second.pageSize()).isEqualTo(100);
        assertThat(second.total()).isEqualTo(250);
        assertThat(second.hasMore()).isTrue();
        assertThat(second.next()).startsWith(sandbox.baseUrl() + "/v1/orders?partition=" + P);
        assertThat(last.data()).hasSize(50);
        assertThat(last.hasMore()).isFalse();
        assertThat(last.next()).isNull();
        assertThat(last.nextCursor()).isNull();
    }

    @Test
    void the_default_page_size_is_100() {
        Page first = page("/v1/orders?partition=" + P);

        assertThat(first.pageSize()).isEqualTo(100);
        assertThat(first.data()).isEqualTo(truth.subList(0, 100));
    }

    @Test
    void updated_since_keeps_records_updated_at_or_after_it_and_pages_within_them() {
        Instant since = truth.get(180).updatedAt();
        String query = "/v1/orders?partition=" + P + "&page_size=25&updated_since="
                + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8);
        List<Order> loaded = new ArrayList<>();
        Page page = page(query);
        loaded.addAll(page.data());
        while (page.next() != null) {
            assertThat(page.next()).contains("updated_since=");
            page = Page.of(client.get(page.next()).body());
            loaded.addAll(page.data());
        }
        assertThat(page.total()).isEqualTo(70);
        assertThat(loaded).isEqualTo(truth.subList(180, 250));
    }

    @Test
    void bad_paging_parameters_are_400_with_a_json_error() {
        assertError("/v1/orders", "missing_partition");
        assertError("/v1/orders?partition=" + P + "&cursor=not-a-cursor", "invalid_cursor");
        assertError("/v1/orders?partition=" + P + "&page_size=1001", "invalid_page_size");
        assertError("/v1/orders?partition=" + P + "&page=0", "invalid_page");
        assertError("/v1/orders?partition=" + P + "&updated_since=yesterday", "invalid_updated_since");
    }

    private void assertError(String path, String code) {
        HttpResponse<String> r = client.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        assertThat(Client.json(r).path("error").asText()).isEqualTo(code);
        assertThat(Client.json(r).path("message").asText()).isNotBlank();
    }

    private List<Order> walk(Function<Integer, String> pathOfPage) {
        List<Order> loaded = new ArrayList<>();
        for (int n = 0; ; n++) {
            Page page = page(pathOfPage.apply(n));
            loaded.addAll(page.data());
            if (!page.hasMore()) {
                return loaded;
            }
        }
    }

    private Page page(String path) {
        HttpResponse<String> r = client.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return Page.of(r.body());
    }
}
