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

class SandboxRecordsCommandTest {
    private static final String SECRET = "s3cr3t-value";

    @Test
    void the_help_documents_the_per_record_options_and_endpoints() {
        String help = stdout("sandbox", "--help");

        assertThat(help)
                .contains(
                        "POST /v1/customers/{id}/enrichment",
                        "GET /v1/customers/{id}",
                        "POST /oauth/token",
                        "--record-latency",
                        "--idempotency=MODE",
                        "--idempotency-header",
                        "--poison",
                        "--malformed=IDS",
                        "--malformed-kind",
                        "--unit-limit",
                        "--cost-field",
                        "--cost-header",
                        "--oauth-client-id",
                        "--oauth-client-secret",
                        "--oauth-token-lifetime");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "--record-latency; 5ms~1ms; record latency = \"5ms~1ms\"",
                "--idempotency; sometimes; idempotency = \"sometimes\"",
                "--poison; every=0; poison = \"every=0\"",
                "--malformed-kind; garbled; malformed kind = \"garbled\"",
                "--unit-limit; 5/1x; limit \"5/1x\"",
                "--oauth-client-id; app; give both a client id and a client secret"
            })
    void bad_per_record_options_exit_64_with_a_message_that_names_the_value(String option, String value, String message)
            throws Exception {
        List<String> lines = stdout("sandbox", option, value).lines().toList();
        JsonNode result = Json.MAPPER.readTree(lines.getLast());

        assertThat(result.path("exit_code").asInt()).isEqualTo(64);
        assertThat(result.path("message").asText()).contains(message);
    }

    @Test
    void per_record_options_reach_the_api_and_the_oauth_secret_never_shows() throws Exception {
        Process process = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "sandbox",
                        "--port=0",
                        "--stats-interval=0",
                        "--poison=7",
                        "--idempotency=ignore",
                        "--unit-limit=100/1h",
                        "--oauth-client-id=app",
                        "--oauth-client-secret=" + SECRET)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader stdout =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            JsonNode ready = Json.MAPPER.readTree(stdout.readLine());
            String url = ready.path("url").asText();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> token = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/oauth/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "grant_type=client_credentials&client_id=app&client_secret=" + SECRET))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String access =
                    Json.MAPPER.readTree(token.body()).path("access_token").asText();
            int poisoned = post(http, url, "7", access);
            int applied = post(http, url, "8", access);
            int again = post(http, url, "8", access);
            process.toHandle().destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS))
                    .as("stopped on SIGTERM")
                    .isTrue();
            String rest = String.join("\n", stdout.lines().toList());
            JsonNode last = Json.MAPPER.readTree(rest.lines().toList().getLast());

            JsonNode records = ready.path("config").path("records");
            assertThat(records.path("poison").asText()).isEqualTo("7");
            assertThat(records.path("idempotency").asText()).isEqualTo("ignore");
            assertThat(records.path("unit_limits").get(0).asText()).isEqualTo("window:100/1h");
            assertThat(records.path("oauth").path("client_id").asText()).isEqualTo("app");
            assertThat(List.of(poisoned, applied, again)).containsExactly(422, 201, 201);
            assertThat(last.path("stats")
                            .path("records")
                            .path("effects_applied")
                            .asLong())
                    .isEqualTo(2);
            assertThat(last.path("stats")
                            .path("oauth")
                            .path("tokens_issued")
                            .path("client_credentials")
                            .asLong())
                    .isEqualTo(1);
            assertThat(ready.toString() + rest).doesNotContain(SECRET).doesNotContain(access);
        } finally {
            process.destroyForcibly();
        }
    }

    private static int post(HttpClient http, String url, String id, String access) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url + "/v1/customers/" + id + "/enrichment"))
                                .header("Authorization", "Bearer " + access)
                                .header("Idempotency-Key", "k-" + id)
                                .POST(HttpRequest.BodyPublishers.ofString("{\"tokens\":10}"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String stdout(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            Main.execute(args);
        } finally {
            System.setOut(stdout);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
