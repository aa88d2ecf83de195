package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.OAuthConfig;
import dev.sluice.sandbox.OAuthStats;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.HostileApi;
import dev.sluice.testing.OtlpCollector;
import dev.sluice.testing.RecordJob;
import dev.sluice.testing.SluiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 §6 for per-record jobs: {@code call.auth: {type: oauth2}} against the sandbox's token
 * endpoint, in real {@code sluice run} processes calling concurrently. The sandbox's per-record
 * endpoint then accepts only access tokens it issued and has not seen expire or revoked, and counts
 * every token it issued and refused: the ground truth. Every secret the sandbox knows (client
 * secret, every access token) is then searched for, in every encoding, in the run's output, in
 * {@code sluice status}, in every table and in every span the run exported.
 */
class RecordOAuth2Test {
    private static final String CLIENT_ID = "sluice-records";
    private static final String CLIENT_SECRET = "rs/with space+plus\"q-GGGG7777";
    private static final int CONCURRENCY = 8;

    @Test
    void many_concurrent_calls_share_one_token_fetch_and_no_secret_shows_anywhere() {
        try (OAuthJob oauth = job("oauth_records_once", 200, Duration.ofHours(1), Duration.ofMillis(10))) {
            RecordJob job = oauth.job();
            try (HostileApi collector = OtlpCollector.start()) {
                SluiceProcess.Result run = run(oauth, collector);

                assertThat(run.exit()).as(run.describe()).isZero();
                assertAllAppliedOnce(job);
                OAuthStats tokens = job.sandbox().stats().oauth();
                assertThat(tokens.tokensIssued("client_credentials"))
                        .as("one token for 200 calls, 8 at a time")
                        .isEqualTo(1);
                assertThat(tokens.invalidTokens()).isZero();
                assertNoSecretIn(job, run, collector);
            }
        }
    }

    @Test
    void a_token_that_lives_shorter_than_the_run_is_renewed_before_it_expires() {
        // 2 s tokens, renewed 0.4 s early; 240 calls of 100 ms, 8 at a time: 3 s at least
        try (OAuthJob oauth = job("oauth_records_expiry", 240, Duration.ofSeconds(2), Duration.ofMillis(100))) {
            RecordJob job = oauth.job();
            try (HostileApi collector = OtlpCollector.start()) {
                SluiceProcess.Result run = run(oauth, collector);

                assertThat(run.exit()).as(run.describe()).isZero();
                assertAllAppliedOnce(job);
                OAuthStats tokens = job.sandbox().stats().oauth();
                assertThat(tokens.tokensIssued("client_credentials")).isBetween(2L, 60L);
                assertThat(tokens.invalidTokens())
                        .as("each token was replaced before the sandbox saw it expire: no 401")
                        .isZero();
                assertNoSecretIn(job, run, collector);
            }
        }
    }

    @Test
    void a_token_revoked_mid_run_is_renewed_once_and_every_refused_call_is_sent_again() {
        try (OAuthJob oauth = job("oauth_records_revoked", 200, Duration.ofHours(1), Duration.ofMillis(50))) {
            RecordJob job = oauth.job();
            try (HostileApi collector = OtlpCollector.start()) {
                SluiceProcess process = job.input().start(oauth.spec(), RecordJob.PARTITION, env(collector));
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> job.sandbox().stats().records().effectsApplied() >= 30);
                assertThat(job.sandbox().revokeTokens(false)).isPositive();

                SluiceProcess.Result run = process.await(Duration.ofMinutes(3));

                assertThat(run.exit()).as(run.describe()).isZero();
                assertAllAppliedOnce(job);
                OAuthStats tokens = job.sandbox().stats().oauth();
                assertThat(tokens.tokensIssued("client_credentials"))
                        .as("one token at the start, one after the 401s (the calls in flight share it)")
                        .isEqualTo(2);
                assertThat(tokens.invalidTokens())
                        .as("a 401 for each call sent with the revoked token before the new one came")
                        .isBetween(1L, 2L * CONCURRENCY);
                assertNoSecretIn(job, run, collector);
            }
        }
    }

    /** A per-record job and its spec, whose calls authenticate with OAuth2 client credentials. */
    private record OAuthJob(RecordJob job, Path spec) implements AutoCloseable {
        @Override
        public void close() {
            job.close();
        }
    }

    /** A per-record job whose calls authenticate with OAuth2 client credentials (secret in the body). */
    private static OAuthJob job(String name, int records, Duration tokenLifetime, Duration latency) {
        RecordsConfig api = RecordsConfig.DEFAULTS
                .withLatency(new LatencyRange(latency, null))
                .withOAuth(OAuthConfig.client(CLIENT_ID, CLIENT_SECRET, tokenLifetime));
        RecordJob job = RecordJob.start(name, records, api);
        Path spec = job.spec(CONCURRENCY, "", "");
        String bearer = "auth: {type: bearer, token: \"${SHOP_API_TOKEN}\"}";
        try {
            String text = Files.readString(spec);
            assertThat(text).contains(bearer);
            Files.writeString(
                    spec, text.replace(bearer, """
                    auth: {type: oauth2, token_url: "%s/oauth/token", client_id: %s, client_secret: "${CLIENT_SECRET}", client_auth: body}""".formatted(job.sandbox().baseUrl(), CLIENT_ID)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new OAuthJob(job, spec);
    }

    private static String[] env(HostileApi collector) {
        return new String[] {
            "CLIENT_SECRET",
            CLIENT_SECRET,
            "SLUICE_LOG_LEVEL",
            "DEBUG",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            collector.origin(),
            "OTEL_METRIC_EXPORT_INTERVAL",
            "600000"
        };
    }

    private static SluiceProcess.Result run(OAuthJob oauth, HostileApi collector) {
        return oauth.job().input().run(oauth.spec(), RecordJob.PARTITION, env(collector));
    }

    private static void assertAllAppliedOnce(RecordJob job) {
        assertThat(job.sandbox().stats().records().recordsApplied()).isEqualTo(job.records());
        assertThat(job.sandbox().stats().records().extraEffects()).isZero();
        assertThat(job.input().number("SELECT count(*) FROM " + RecordJob.TABLE))
                .isEqualTo(job.records());
        assertThat(job.ledgerStates()).isEqualTo(Map.of("done", (long) job.records()));
    }

    /** The sandbox's secrets in none of the run's outputs, status, tables or exported spans. */
    private static void assertNoSecretIn(RecordJob job, SluiceProcess.Result run, HostileApi collector) {
        String outputs = run.describe()
                + job.input().command("status").describe()
                + job.input().command("status", "--format", "table").describe();
        String tables = dump(job);
        String spans = OtlpCollector.traces(collector);
        assertThat(spans).as("the call spans were exported").contains("call POST c00001");
        Set<String> secrets = job.sandbox().secrets();
        assertThat(secrets)
                .as("the static token, the client secret and at least one access token")
                .contains(CLIENT_SECRET)
                .hasSizeGreaterThanOrEqualTo(3);
        for (String secret : secrets) {
            for (String form : SecretsTest.encodings(secret)) {
                assertThat(outputs).as("an output holds a secret").doesNotContain(form);
                assertThat(tables).as("a table holds a secret").doesNotContain(form);
                assertThat(spans).as("a span holds a secret").doesNotContain(form);
            }
        }
    }

    private static String dump(RecordJob job) {
        StringBuilder out = new StringBuilder();
        job.input()
                .rows("""
                        SELECT table_schema || '.' || table_name FROM information_schema.tables
                        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'""")
                .forEach(t -> job.input()
                        .rows("SELECT t::text FROM " + t + " t")
                        .forEach(r -> out.append(r).append('\n')));
        assertThat(out).as("the sink and the ledger were read").contains(RecordJob.id(1), "done");
        return out.toString();
    }
}
