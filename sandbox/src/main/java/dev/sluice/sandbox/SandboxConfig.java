package dev.sluice.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a sandbox does, immutable and validated on construction. Start from
 * {@link #defaults()} and change fields with the {@code with...} methods.
 *
 * @param host                where to listen (default {@code 127.0.0.1})
 * @param port                the port, 0 for a random free one (default 0)
 * @param seed                seeds the data and the faults (default 42)
 * @param recordsPerPartition records in each partition (default 1000)
 * @param recordsSpread       0 gives every partition exactly {@code recordsPerPartition} records;
 *                            s in (0, 1] varies each partition's count within ±s of it, derived
 *                            from the seed and the partition key (default 0)
 * @param token               the bearer token API requests must carry, or null for no auth;
 *                            never logged, echoed or shown by {@link #toString()}
 * @param limits              rate limits, all enforced at once (default {@code 50/1s}); empty for none
 * @param retryAfterFloor     the smallest {@code Retry-After} a 429 announces (default 0)
 * @param faults              injected faults (default none)
 * @param outages             outage windows relative to the start (default none)
 * @param failFirst           partition key to the number of its first admitted requests that fail
 *                            with 503 (default none)
 * @param failAt              partition key to a window of its admitted requests that fail with 503
 *                            after the first ones succeed, e.g. {@code 2+3} (default none); a
 *                            partition has fail-first or fail-at, not both
 * @param records             how the per-record endpoints behave (default {@link RecordsConfig#DEFAULTS})
 */
public record SandboxConfig(
        String host,
        int port,
        long seed,
        int recordsPerPartition,
        double recordsSpread,
        @JsonIgnore String token,
        List<LimitSpec> limits,
        Duration retryAfterFloor,
        Faults faults,
        List<Outage> outages,
        Map<String, Integer> failFirst,
        Map<String, FailWindow> failAt,
        RecordsConfig records) {

    public SandboxConfig {
        check(host != null && !host.isBlank(), "host", host, "must not be blank");
        check(port >= 0 && port <= 65535, "port", port, "must be between 0 and 65535");
        check(recordsPerPartition >= 0, "records per partition", recordsPerPartition, "must be >= 0");
        check(recordsSpread >= 0 && recordsSpread <= 1, "records spread", recordsSpread, "must be between 0 and 1");
        check(
                token == null || (!token.isBlank() && token.strip().equals(token)),
                "token",
                "(hidden)",
                "must be non-blank without surrounding spaces, or absent");
        limits = List.copyOf(limits == null ? List.of() : limits);
        retryAfterFloor = retryAfterFloor == null ? Duration.ZERO : retryAfterFloor;
        check(!retryAfterFloor.isNegative(), "retry-after floor", retryAfterFloor, "must not be negative");
        faults = faults == null ? Faults.NONE : faults;
        outages = List.copyOf(outages == null ? List.of() : outages);
        failFirst = Map.copyOf(failFirst == null ? Map.of() : failFirst);
        failFirst.forEach((p, k) -> check(k >= 0, "fail first of " + p, k, "must be >= 0"));
        failAt = Map.copyOf(failAt == null ? Map.of() : failAt);
        for (String p : failAt.keySet()) {
            check(
                    !failFirst.containsKey(p),
                    "fail at of " + p,
                    failAt.get(p),
                    "partition " + p + " also has fail first; give one of them");
        }
        records = records == null ? RecordsConfig.DEFAULTS : records;
    }

    /** Every setting but the per-record ones (defaults). */
    public SandboxConfig(
            String host,
            int port,
            long seed,
            int recordsPerPartition,
            double recordsSpread,
            String token,
            List<LimitSpec> limits,
            Duration retryAfterFloor,
            Faults faults,
            List<Outage> outages,
            Map<String, Integer> failFirst,
            Map<String, FailWindow> failAt) {
        this(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                failAt,
                null);
    }

    /** Every setting but fail-at (none). */
    public SandboxConfig(
            String host,
            int port,
            long seed,
            int recordsPerPartition,
            double recordsSpread,
            String token,
            List<LimitSpec> limits,
            Duration retryAfterFloor,
            Faults faults,
            List<Outage> outages,
            Map<String, Integer> failFirst) {
        this(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                Map.of());
    }

    /** 127.0.0.1, a random port, seed 42, 1000 records per partition, one limit of 50/1s, no auth, no faults. */
    public static SandboxConfig defaults() {
        return new SandboxConfig(
                "127.0.0.1",
                0,
                42,
                1000,
                0,
                null,
                List.of(LimitSpec.window(50, Duration.ofSeconds(1))),
                Duration.ZERO,
                Faults.NONE,
                List.of(),
                Map.of(),
                Map.of(),
                RecordsConfig.DEFAULTS);
    }

    public SandboxConfig withHost(String v) {
        return new SandboxConfig(
                v,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                failAt,
                records);
    }

    public SandboxConfig withPort(int v) {
        return new SandboxConfig(
                host,
                v,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                failAt,
                records);
    }

    public SandboxConfig withSeed(long v) {
        return new SandboxConfig(
                host,
                port,
                v,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                failAt,
                records);
    }

    public SandboxConfig withRecordsPerPartition(int v) {
        return new SandboxConfig(
                host,
                port,
                seed,
                v,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                failAt,
                records);
    }

    public SandboxConfig withRecordsSpread(double v) {
        return new SandboxConfig(
                host,
                port,
                seed,
                recordsPerPartition,
                v,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                failAt,
                records);
    }

    /** Requires {@code Authorization: Bearer <token>} on API requests; null turns auth off. */
    public SandboxConfig withToken(String v) {
        return new SandboxConfig(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                v,
                limits,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                failAt,
                records);
    }

    public SandboxConfig withLimits(List<LimitSpec> v) {
        return new SandboxConfig(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                v,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                failAt,
                records);
    }

    /** Limits in text form, e.g. {@code withLimits("50/1s", "2000/1h,name=daily")}; no argument removes every limit. */
    public SandboxConfig withLimits(String... specs) {
        return withLimits(Arrays.stream(specs).map(LimitSpec::parse).toList());
    }

    public SandboxConfig withRetryAfterFloor(Duration v) {
        return new SandboxConfig(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                v,
                faults,
                outages,
                failFirst,
                failAt,
                records);
    }

    public SandboxConfig withFaults(Faults v) {
        return new SandboxConfig(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                v,
                outages,
                failFirst,
                failAt,
                records);
    }

    public SandboxConfig withOutages(List<Outage> v) {
        return new SandboxConfig(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                v,
                failFirst,
                failAt,
                records);
    }

    /** Makes the first {@code times} admitted requests for {@code partition} fail with 503 (replacing its fail-at). */
    public SandboxConfig withFailFirst(String partition, int times) {
        Map<String, Integer> v = new LinkedHashMap<>(failFirst);
        v.put(partition, times);
        Map<String, FailWindow> at = new LinkedHashMap<>(failAt);
        at.remove(partition);
        return new SandboxConfig(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                v,
                at,
                records);
    }

    /**
     * Makes {@code partition} serve its first {@code afterRequests} admitted requests, fail the next
     * {@code times} with 503, then recover: a partition that fails after committing some pages
     * (replacing its fail-first).
     */
    public SandboxConfig withFailAt(String partition, int afterRequests, int times) {
        Map<String, FailWindow> v = new LinkedHashMap<>(failAt);
        v.put(partition, new FailWindow(afterRequests, times));
        Map<String, Integer> first = new LinkedHashMap<>(failFirst);
        first.remove(partition);
        return new SandboxConfig(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                first,
                v,
                records);
    }

    /** Changes how the per-record endpoints behave, e.g. {@code withRecords(c.records().withPoison(ids))}. */
    public SandboxConfig withRecords(RecordsConfig v) {
        return new SandboxConfig(
                host,
                port,
                seed,
                recordsPerPartition,
                recordsSpread,
                token,
                limits,
                retryAfterFloor,
                faults,
                outages,
                failFirst,
                failAt,
                v);
    }

    /** A JSON-friendly description for logs and the admin API; the token shows only as {@code auth: true}. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", seed);
        m.put("records_per_partition", recordsPerPartition);
        m.put("records_spread", recordsSpread);
        m.put("auth", token != null);
        m.put("limits", limits.stream().map(LimitSpec::toString).toList());
        m.put("retry_after_floor", DurationText.format(retryAfterFloor));
        m.put("error_rate", faults.errorRate());
        m.put("reset_rate", faults.resetRate());
        m.put("malformed_rate", faults.malformedRate());
        m.put("latency", DurationText.format(faults.latency()));
        m.put("latency_jitter", DurationText.format(faults.latencyJitter()));
        m.put("outages", outages.stream().map(Outage::toString).toList());
        m.put("fail_first", failFirst);
        Map<String, String> at = new java.util.TreeMap<>();
        failAt.forEach((p, w) -> at.put(p, w.toString()));
        m.put("fail_at", at);
        m.put("records", records.summary());
        return m;
    }

    /** Shows every setting except the token. */
    @Override
    public String toString() {
        return "SandboxConfig[host=" + host + ", port=" + port + ", " + summary() + "]";
    }

    private static void check(boolean rule, String what, Object value, String message) {
        if (!rule) {
            throw new SandboxConfigException(what + " = " + value + ": " + message);
        }
    }
}
