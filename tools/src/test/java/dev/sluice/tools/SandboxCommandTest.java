package dev.sluice.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.cli.Main;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SandboxCommandTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "--limit; 50/1x; limit \"50/1x\": period \"1x\"",
                "--limit-mode; sideways; limit mode = \"sideways\"",
                "--error-rate; 1.5; error rate = 1.5",
                "--latency; soon; \"soon\": must be a number followed by",
                "--outage; 10s@later; outage \"10s@later\" start",
                "--fail-at; eu=3; fail window \"3\": expected N+K",
                "--port; 70000; port = 70000"
            })
    void bad_options_exit_64_with_a_message_that_names_the_value(String option, String value, String message)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = Main.execute("sandbox", option, value);
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        JsonNode result = Json.MAPPER.readTree(lines.getLast());

        assertThat(exit).isEqualTo(64);
        assertThat(result.path("exit_code").asInt()).isEqualTo(64);
        assertThat(result.path("message").asText()).contains(message);
    }

    @Test
    void runs_until_sigterm_printing_ready_first_and_the_final_stats_last() throws Exception {
        Process process = new ProcessBuilder(
                        javaBinary(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "sandbox",
                        "--port",
                        "0",
                        "--limit",
                        "5/1s",
                        "--token",
                        "t0ken",
                        "--stats-interval",
                        "0",
                        "--fail-at",
                        "us=0+1")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader stdout =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            JsonNode ready = Json.MAPPER.readTree(stdout.readLine());
            String url = ready.path("url").asText();
            HttpResponse<String> ok = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url + "/v1/orders?partition=eu"))
                                    .header("Authorization", "Bearer t0ken")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            process.toHandle().destroy(); // SIGTERM, without closing our end of its stdout
            assertThat(process.waitFor(20, TimeUnit.SECONDS))
                    .as("stopped on SIGTERM")
                    .isTrue();
            List<String> rest = stdout.lines().toList();
            JsonNode last = Json.MAPPER.readTree(rest.getLast());

            assertThat(ready.path("sandbox").asText()).isEqualTo("ready");
            assertThat(url).startsWith("http://127.0.0.1:");
            assertThat(ready.toString()).doesNotContain("t0ken");
            assertThat(ready.path("config").path("limits").get(0).asText()).isEqualTo("window:5/1s");
            assertThat(ready.path("config").path("fail_at").path("us").asText()).isEqualTo("0+1");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(last.path("sandbox").asText()).isEqualTo("stopped");
            assertThat(last.path("stats").path("requests").asLong()).isEqualTo(1);
            assertThat(last.path("stats").path("served_ok").asLong()).isEqualTo(1);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
