package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Json;
import dev.sluice.sandbox.Faults;
import dev.sluice.sandbox.OAuthConfig;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.testing.JobFixture;
import dev.sluice.testing.SluiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 §6: {@code auth: {type: oauth2}} against the sandbox's token endpoint, in real
 * {@code sluice} processes. The sandbox's orders endpoint then accepts only access tokens it issued
 * and has not seen expire or revoked, and counts every token it issued and every token it refused,
 * so each test reads the ground truth from it. Each run is then searched for every secret the
 * sandbox knows (client secret, refresh and access tokens) in every encoding.
 */
class OAuth2Test {
    private static final String CLIENT_ID = "sluice-client";
    private static final String CLIENT_SECRET = "cs/with space+plus\"q-EEEE5555";
    private static final String CLIENT_CREDENTIALS = """
            {type: oauth2, token_url: "${SANDBOX_URL}/oauth/token", client_id: %s, client_secret: "${CLIENT_SECRET}",
                   scope: "orders:read"%s}""";

    private static SandboxConfig sandbox(Duration tokenLifetime, Duration latency) {
        SandboxConfig config = SandboxConfig.defaults().withLimits(List.of()).withRecordsPerPartition(250);
        return config.withFaults(Faults.NONE.withLatency(latency, Duration.ZERO))
                .withRecords(config.records().withOAuth(OAuthConfig.client(CLIENT_ID, CLIENT_SECRET, tokenLifetime)));
    }

    private static JobFixture job(String name, SandboxConfig config, String extraAuth) {
        return JobFixture.start(name, config, 20, "", CLIENT_CREDENTIALS.formatted(CLIENT_ID, extraAuth));
    }

    private static SluiceProcess.Result run(JobFixture job, String partition, String... env) {
        List<String> pairs = new ArrayList<>(List.of("CLIENT_SECRET", CLIENT_SECRET, "SLUICE_LOG_LEVEL", "DEBUG"));
        pairs.addAll(List.of(env));
        return SluiceProcess.run(
                Duration.ofMinutes(3),
                job.env(pairs.toArray(String[]::new)),
                "run",
                "--job",
                job.spec().toString(),
                "--partition",
                partition);
    }

    @Test
    void many_calls_share_one_token_fetch_and_no_secret_shows_anywhere() {
        try (JobFixture job = job("oauth_once", sandbox(Duration.ofHours(1), Duration.ZERO), ", client_auth: body")) {
            SluiceProcess.Result run = run(job, "2026-11-01");

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(run.json().get("api_calls").asLong()).isEqualTo(13);
            assertThat(job.tableRows("2026-11-01")).isEqualTo(job.expectedRows("2026-11-01"));
            var oauth = job.sandbox().stats().oauth();
            assertThat(oauth.tokensIssued("client_credentials"))
                    .as("one token for 13 calls")
                    .isEqualTo(1);
            assertThat(oauth.invalidTokens()).isZero();
            assertNoSecretIn(job, run);
        }
    }

    @Test
    void a_token_that_lives_shorter_than_the_run_is_refreshed_before_it_expires() {
        // 4 s tokens, 13 pages at 700 ms each: about 9 s, so at least two more tokens
        try (JobFixture job = job("oauth_expiry", sandbox(Duration.ofSeconds(4), Duration.ofMillis(700)), "")) {
            SluiceProcess.Result run = run(job, "2026-11-01");

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(job.tableRows("2026-11-01")).isEqualTo(job.expectedRows("2026-11-01"));
            var oauth = job.sandbox().stats().oauth();
            assertThat(oauth.tokensIssued("client_credentials")).isBetween(2L, 13L);
            assertThat(oauth.invalidTokens())
                    .as("each token was replaced before the sandbox saw it expire: no 401")
                    .isZero();
            assertThat(job.sandbox().stats().unauthorized()).isZero();
            assertNoSecretIn(job, run);
        }
    }

    @Test
    void a_token_revoked_mid_run_is_renewed_once_with_the_refresh_token_and_the_run_completes() throws Exception {
        SandboxConfig config = sandbox(Duration.ofHours(1), Duration.ofMillis(300));
        try (JobFixture job = job("oauth_revoked", config, ", grant: refresh_token, refresh_token: \"${REFRESH}\"")) {
            String refresh = refreshToken(job);
            SluiceProcess process = SluiceProcess.start(
                    job.env("CLIENT_SECRET", CLIENT_SECRET, "REFRESH", refresh, "SLUICE_LOG_LEVEL", "DEBUG"),
                    "run",
                    "--job",
                    job.spec().toString(),
                    "--partition",
                    "2026-11-02");
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> job.sandbox().stats().servedOk() >= 3);
            assertThat(job.sandbox().revokeTokens(false)).isPositive();

            SluiceProcess.Result run = process.await(Duration.ofMinutes(3));

            assertThat(run.exit()).as(run.describe()).isZero();
            assertThat(job.tableRows("2026-11-02")).isEqualTo(job.expectedRows("2026-11-02"));
            var oauth = job.sandbox().stats().oauth();
            assertThat(oauth.tokensIssued("refresh_token"))
                    .as("one token at the start, one after the 401")
                    .isEqualTo(2);
            assertThat(oauth.invalidTokens())
                    .as("one 401, then the renewed token")
                    .isEqualTo(1);
            assertNoSecretIn(job, run);
        }
    }

    @Test
    void a_wrong_client_secret_exits_78_before_any_api_call_and_is_never_shown() {
        try (JobFixture job = job("oauth_bad", sandbox(Duration.ofHours(1), Duration.ZERO), "")) {
            String wrong = "wrong-secret-FFFF6666";
            SluiceProcess.Result run = run(job, "2026-11-01", "CLIENT_SECRET", wrong);

            assertThat(run.exit()).as(run.describe()).isEqualTo(78);
            assertThat(run.json().get("message").asText())
                    .contains("OAuth2 token endpoint", "401", "invalid_client", "client_secret");
            assertThat(job.sandbox().stats().requests())
                    .as("no API call without a token")
                    .isZero();
            assertThat(job.sandbox().stats().oauth().tokenErrors()).containsEntry("invalid_client", 1L);
            for (String form : SecretsTest.encodings(wrong)) {
                assertThat(run.describe()).doesNotContain(form);
            }
        }
    }

    @Test
    void validate_refuses_an_incomplete_oauth2_block_with_78_naming_each_field_and_line() throws IOException {
        try (JobFixture job = job("oauth_validate", sandbox(Duration.ofHours(1), Duration.ZERO), "")) {
            String valid = Files.readString(job.spec());
            String auth = CLIENT_CREDENTIALS.formatted(CLIENT_ID, "");
            Path bad = Files.createTempFile("oauth", ".yaml");
            Files.writeString(bad, valid.replace(auth, """
                    {type: oauth2, token_url: "http://auth.elsewhere.example/token", grant: password}"""));

            SluiceProcess.Result validate = SluiceProcess.run(job.env(), "validate", "--job", bad.toString());

            assertThat(validate.exit()).as(validate.describe()).isEqualTo(78);
            assertThat(validate.json().get("message").asText())
                    .containsPattern("source.auth.token_url = .*" + bad.getFileName() + ":\\d+\\): is plain http")
                    .containsPattern("source.auth.client_id .*:\\d+\\): is required")
                    .containsPattern("source.auth.client_secret .*:\\d+\\): is required")
                    .containsPattern("source.auth.grant = \"password\" .*: must be client_credentials");
            assertThat(job.sandbox().stats().oauth().tokensIssued()).isEmpty();
        }
    }

    /** A refresh token from the sandbox, as an operator would obtain it once. */
    private static String refreshToken(JobFixture job) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(job.sandbox().baseUrl() + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + CLIENT_ID
                        + "&client_secret=" + URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8)))
                .build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            return Json.MAPPER.readTree(answer.body()).get("refresh_token").asText();
        }
    }

    /** The sandbox's secrets (it saw them sent) in none of the run's outputs, status or tables. */
    private static void assertNoSecretIn(JobFixture job, SluiceProcess.Result run) {
        SluiceProcess.Result status = job.command("status");
        SluiceProcess.Result table = job.command("status", "--format", "table");
        String outputs = run.describe() + status.describe() + table.describe();
        String tables = dump(job);
        Set<String> secrets = job.sandbox().secrets();
        assertThat(secrets)
                .as("the client secret and at least one access token")
                .hasSizeGreaterThanOrEqualTo(3);
        for (String secret : secrets) {
            for (String form : SecretsTest.encodings(secret)) {
                assertThat(outputs).as("an output holds a secret").doesNotContain(form);
                assertThat(tables).as("a table holds a secret").doesNotContain(form);
            }
        }
    }

    private static String dump(JobFixture job) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> t : job.query("""
                SELECT table_schema, table_name FROM information_schema.tables
                WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'""")) {
            String qualified = "\"" + t.get("table_schema") + "\".\"" + t.get("table_name") + "\"";
            job.query("SELECT t::text AS row FROM " + qualified + " t")
                    .forEach(r -> out.append(r.get("row")).append('\n'));
        }
        assertThat(out).contains("2026-11-0");
        return out.toString();
    }
}
