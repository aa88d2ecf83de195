package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.sandbox.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
    private static final SandboxConfig NO_LIMITS = SandboxConfig.defaults().withLimits();
    private static final String ORDERS = "/v1/orders?partition=eu";

    @Test
    void reset_breaks_the_connection_mid_body_so_the_client_sees_an_io_error() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withFaults(Faults.NONE.withResetRate(1.0)))) {
            Client client = new Client(sandbox);

            assertThatThrownBy(() -> client.sendRaw(ORDERS)).isInstanceOf(IOException.class);
            assertThat(sandbox.stats().fault(FaultKind.RESET)).isEqualTo(1);
            assertThat(sandbox.stats().servedOk()).isZero();
        }
    }

    @Test
    void reset_sends_the_status_the_headers_and_part_of_the_body_before_breaking() throws IOException {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withFaults(Faults.NONE.withResetRate(1.0)));
                Socket socket = new Socket("127.0.0.1", sandbox.port())) {
            socket.getOutputStream()
                    .write(("GET " + ORDERS + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = readUntilBroken(socket.getInputStream());
            int headerEnd = response.indexOf("\r\n\r\n");
            Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(response);

            assertThat(response).startsWith("HTTP/1.1 200");
            assertThat(length.find()).isTrue();
            int received = response.substring(headerEnd + 4).getBytes(StandardCharsets.UTF_8).length;
            assertThat(received).isPositive().isLessThan(Integer.parseInt(length.group(1)));
        }
    }

    @Test
    void error_rate_answers_500_or_503_with_a_json_body() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withFaults(Faults.NONE.withErrorRate(1.0)))) {
            Client client = new Client(sandbox);
            List<HttpResponse<String>> responses =
                    IntStream.range(0, 20).mapToObj(i -> client.get(ORDERS)).toList();

            assertThat(responses)
                    .extracting(HttpResponse::statusCode)
                    .containsOnly(500, 503)
                    .contains(500, 503);
            assertThat(responses)
                    .allSatisfy(r ->
                            assertThat(Client.json(r).path("error").asText()).startsWith("error_5"));
            SandboxStats stats = sandbox.stats();
            assertThat(stats.fault(FaultKind.ERROR_500) + stats.fault(FaultKind.ERROR_503))
                    .isEqualTo(20);
        }
    }

    @Test
    void faults_are_the_same_for_the_same_seed_and_request_sequence() {
        Faults faults = Faults.NONE.withErrorRate(0.3).withMalformedRate(0.2);
        List<Integer> first = statuses(NO_LIMITS.withFaults(faults), 40);
        List<Integer> again = statuses(NO_LIMITS.withFaults(faults), 40);
        List<Integer> otherSeed = statuses(NO_LIMITS.withFaults(faults).withSeed(7), 40);

        assertThat(first).contains(200, 500, 503);
        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void latency_delays_every_response() {
        try (Sandbox sandbox = Sandbox.start(
                NO_LIMITS.withFaults(Faults.NONE.withLatency(Duration.ofMillis(300), Duration.ofMillis(100))))) {
            long start = System.nanoTime();
            HttpResponse<String> r = new Client(sandbox).get(ORDERS);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void malformed_rate_answers_200_with_json_that_does_not_parse() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withFaults(Faults.NONE.withMalformedRate(1.0)))) {
            HttpResponse<String> r = new Client(sandbox).get(ORDERS);

            assertThat(r.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> Json.MAPPER.readTree(r.body())).isInstanceOf(JsonProcessingException.class);
            assertThat(sandbox.stats().fault(FaultKind.MALFORMED)).isEqualTo(1);
            assertThat(sandbox.stats().servedOk()).isZero();
        }
    }

    @Test
    void an_outage_started_at_run_time_answers_503_to_everything_until_it_ends() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(SandboxConfig.defaults().withLimits("1/1h"), clock)) {
            Client client = new Client(sandbox);
            sandbox.outage(Duration.ofSeconds(10));
            List<Integer> during = IntStream.range(0, 3)
                    .mapToObj(i -> client.get(ORDERS).statusCode())
                    .toList();
            clock.advance(Duration.ofSeconds(10));

            assertThat(during).containsOnly(503);
            assertThat(client.get(ORDERS).statusCode())
                    .as("the outage consumed no quota")
                    .isEqualTo(200);
            assertThat(sandbox.stats().fault(FaultKind.OUTAGE)).isEqualTo(3);
        }
    }

    @Test
    void configured_outage_windows_start_and_end_relative_to_the_start() {
        ManualClock clock = ManualClock.quarterPastTheHour();
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withOutages(List.of(Outage.parse("5s@10s"))), clock)) {
            Client client = new Client(sandbox);
            int before = client.get(ORDERS).statusCode();
            clock.advance(Duration.ofSeconds(10));
            int during = client.get(ORDERS).statusCode();
            clock.advance(Duration.ofMillis(4999));
            int stillDuring = client.get(ORDERS).statusCode();
            clock.advance(Duration.ofMillis(1));

            assertThat(List.of(before, during, stillDuring, client.get(ORDERS).statusCode()))
                    .containsExactly(200, 503, 503, 200);
        }
    }

    @Test
    void a_partition_fails_its_first_k_requests_then_recovers_and_others_are_untouched() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withFailFirst("eu", 2))) {
            Client client = new Client(sandbox);

            assertThat(client.get("/v1/orders?partition=us").statusCode()).isEqualTo(200);
            assertThat(IntStream.range(0, 3)
                            .mapToObj(i -> client.get(ORDERS).statusCode())
                            .toList())
                    .containsExactly(503, 503, 200);
            sandbox.failFirst("us", 1);
            assertThat(client.get("/v1/orders?partition=us").statusCode()).isEqualTo(503);
            assertThat(client.get("/v1/orders?partition=us").statusCode()).isEqualTo(200);
            assertThat(sandbox.stats().fault(FaultKind.PARTITION_FAILURE)).isEqualTo(3);
        }
    }

    @Test
    void a_fail_at_window_serves_n_requests_fails_the_next_k_then_recovers() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withFailAt("eu", 2, 3))) {
            Client client = new Client(sandbox);

            assertThat(client.get("/v1/orders?partition=us").statusCode()).isEqualTo(200);
            assertThat(IntStream.range(0, 7)
                            .mapToObj(i -> client.get(ORDERS).statusCode())
                            .toList())
                    .containsExactly(200, 200, 503, 503, 503, 200, 200);
            assertThat(sandbox.stats().fault(FaultKind.PARTITION_FAILURE)).isEqualTo(3);
        }
    }

    @Test
    void a_partition_fails_after_the_pages_it_was_allowed_so_a_resume_starts_mid_partition() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS)) {
            Client client = new Client(sandbox);
            String page = ORDERS + "&page_size=100";
            String cursor2 = Client.json(client.get(page)).path("next_cursor").asText();
            sandbox.failAt("eu", 1, 1); // counts from now: page 2 passes, page 3 fails once
            String cursor3 = Client.json(client.get(page + "&cursor=" + cursor2))
                    .path("next_cursor")
                    .asText();
            int failed = client.get(page + "&cursor=" + cursor3).statusCode();
            HttpResponse<String> resumed = client.get(page + "&cursor=" + cursor3);

            assertThat(failed).isEqualTo(503);
            assertThat(resumed.statusCode()).isEqualTo(200);
            assertThat(Client.json(resumed).path("data").get(0).path("seq").asLong())
                    .isEqualTo(201);
        }
    }

    @Test
    void arming_a_window_replaces_the_partitions_earlier_one_and_restarts_its_count() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withFailFirst("eu", 5))) {
            Client client = new Client(sandbox);
            int before = client.get(ORDERS).statusCode();
            sandbox.failAt("eu", 1, 1);

            assertThat(before).isEqualTo(503);
            assertThat(IntStream.range(0, 3)
                            .mapToObj(i -> client.get(ORDERS).statusCode())
                            .toList())
                    .containsExactly(200, 503, 200);
            assertThat(Client.json(client.get("/_sandbox/config"))
                            .path("fail_first")
                            .path("eu")
                            .asInt())
                    .isEqualTo(5);
        }
    }

    @Test
    void fail_at_answers_503_naming_the_partition_and_the_rule() {
        try (Sandbox sandbox = Sandbox.start(NO_LIMITS.withFailAt("eu", 0, 1))) {
            HttpResponse<String> r = new Client(sandbox).get(ORDERS);

            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(Client.json(r).path("message").asText()).isEqualTo("partition eu is failing (sandbox fail-at)");
        }
    }

    private static List<Integer> statuses(SandboxConfig config, int n) {
        try (Sandbox sandbox = Sandbox.start(config)) {
            Client client = new Client(sandbox);
            return IntStream.range(0, n)
                    .mapToObj(i -> client.get(ORDERS).statusCode())
                    .toList();
        }
    }

    private static String readUntilBroken(InputStream in) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (IOException connectionReset) {
            // what a broken connection looks like; we keep what arrived before it
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
