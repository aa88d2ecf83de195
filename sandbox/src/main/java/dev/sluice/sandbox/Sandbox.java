package dev.sluice.sandbox;

import dev.sluice.sandbox.internal.SandboxServer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A running sandbox API: a strict fake of a paginated, rate-limited orders API.
 *
 * <pre>{@code
 * try (Sandbox api = Sandbox.start(SandboxConfig.defaults().withLimits("20/1s"))) {
 *     // GET api.baseUrl() + "/v1/orders?partition=2026-11-01&page=1"
 *     assertThat(api.stats().earlyAfter429()).isZero();
 * }
 * }</pre>
 *
 * <p>HTTP API: {@code GET /v1/orders}, {@code POST /v1/events}, the per-record endpoints under
 * {@code /v1/customers/{id}}, the OAuth2 token endpoint {@code POST /oauth/token}, and the admin
 * endpoints under {@code /_sandbox/}. The package documentation describes them all; the
 * {@code sluice sandbox} command lists the options.
 */
public final class Sandbox implements AutoCloseable {
    private final SandboxServer server;

    private Sandbox(SandboxServer server) {
        this.server = server;
    }

    /** Starts a sandbox on the configured host and port (port 0 picks a free one). */
    public static Sandbox start(SandboxConfig config) {
        return start(config, InstantSource.system());
    }

    /**
     * Starts a sandbox that reads time from {@code clock}: rate-limit windows, outages and
     * timestamps follow it (injected latency still sleeps for real). For tests of long windows.
     */
    public static Sandbox start(SandboxConfig config, InstantSource clock) {
        return new Sandbox(SandboxServer.start(Objects.requireNonNull(config, "config"), clock));
    }

    /** Every record of a partition as a sandbox with this seed and count serves it. */
    public static List<Order> expectedRecords(long seed, String partition, int count) {
        return new Dataset(seed, count, 0).orders(partition);
    }

    /** The port it listens on. */
    public int port() {
        return server.port();
    }

    /** {@code http://HOST:PORT}, without a trailing slash; a wildcard host shows as 127.0.0.1. */
    public String baseUrl() {
        String host = server.config().host();
        boolean wildcard = host.equals("0.0.0.0") || host.equals("::");
        String shown = wildcard ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        return "http://" + shown + ":" + port();
    }

    /** The configuration in force. */
    public SandboxConfig config() {
        return server.config();
    }

    /** The data it serves under the current configuration. */
    public Dataset dataset() {
        return Dataset.of(server.config());
    }

    /** A snapshot of what it saw since start or the last {@link #resetStats()}. */
    public SandboxStats stats() {
        return server.stats();
    }

    /** Zeroes the stats. Rate-limit state, idempotency keys and faults are kept. */
    public void resetStats() {
        server.resetStats();
    }

    /**
     * Changes the configuration while running, e.g. {@code reconfigure(c -> c.withLimits("5/1s"))}.
     * Rate-limit state is kept unless the limits or the floor change. Host and port cannot change.
     *
     * @return the configuration now in force
     * @throws SandboxConfigException if the change is invalid or touches host or port
     */
    public SandboxConfig reconfigure(UnaryOperator<SandboxConfig> change) {
        return server.reconfigure(c -> {
            SandboxConfig next = change.apply(c);
            if (!next.host().equals(c.host()) || next.port() != c.port()) {
                throw new SandboxConfigException(
                        "host and port cannot change while the sandbox runs; start another one");
            }
            return next;
        });
    }

    /** Starts an outage now: every API request gets 503 for {@code length}. */
    public void outage(Duration length) {
        server.outage(length);
    }

    /** Makes the next {@code times} admitted requests for {@code partition} fail with 503. */
    public void failFirst(String partition, int times) {
        server.failFirst(partition, times);
    }

    /**
     * Lets {@code partition}'s next {@code afterRequests} admitted requests through, fails the
     * {@code times} after them with 503, then lets it recover: with one page per request, the
     * partition fails after committing {@code afterRequests} pages. Replaces the partition's
     * earlier window and restarts its count.
     */
    public void failAt(String partition, int afterRequests, int times) {
        server.failAt(partition, new FailWindow(afterRequests, times));
    }

    /** Ground truth of one record id of the per-record API; zero counts for an id never seen. */
    public RecordReport record(String id) {
        return server.records().report(id);
    }

    /** Ids whose effect was applied twice or more, sorted, at most {@code limit}. */
    public List<String> recordsAppliedTwice(int limit) {
        return server.records().appliedTwice(limit);
    }

    /** "The API was fixed": clears the poison and malformed ids, so a replay of those records succeeds. */
    public void fixRecords() {
        server.records().fix();
    }

    /** Forgets every record, effect and idempotency key of the per-record API: a fresh world. */
    public void resetRecords() {
        server.records().reset();
    }

    /**
     * Revokes every OAuth2 access token issued so far: the next per-record request with one gets 401
     * {@code invalid_token} and must refresh. Refresh tokens stay valid unless {@code refreshTokens}.
     *
     * @return how many tokens were revoked
     */
    public int revokeTokens(boolean refreshTokens) {
        return server.records().revoke(refreshTokens);
    }

    /**
     * Every secret value this sandbox knows or issued: the static bearer token and OAuth client
     * secret in force, and every access and refresh token issued. For tests that assert none of
     * them leaked into logs, tables or summaries; never served over HTTP.
     */
    public Set<String> secrets() {
        return server.records().secrets();
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.close();
    }
}
