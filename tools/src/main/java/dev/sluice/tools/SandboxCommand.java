package dev.sluice.tools;

import dev.sluice.UsageException;
import dev.sluice.cli.Console;
import dev.sluice.cli.ExitCode;
import dev.sluice.sandbox.DurationText;
import dev.sluice.sandbox.FailWindow;
import dev.sluice.sandbox.Faults;
import dev.sluice.sandbox.LimitMode;
import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.Outage;
import dev.sluice.sandbox.Sandbox;
import dev.sluice.sandbox.SandboxConfig;
import dev.sluice.sandbox.SandboxConfigException;
import dev.sluice.sandbox.SandboxStats;
import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code sluice sandbox}: runs the fake orders API in the foreground until SIGTERM or Ctrl-C.
 * Prints {@code {"sandbox":"ready",...}} on stdout when it listens, a stats line on stderr every
 * {@code --stats-interval}, and {@code {"sandbox":"stopped","stats":{...}}} as the last stdout
 * line on shutdown.
 */
@Command(
        name = "sandbox",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs a strict fake orders API: deterministic data, exact rate limits, injected faults.",
            "GET /v1/orders?partition=P (page/page_size, offset/limit, cursor, updated_since),",
            "POST /v1/events (Idempotency-Key), admin under /_sandbox/ (health, stats, reset, config).",
            "Per record: POST /v1/customers/{id}/enrichment applies an effect once per",
            "Idempotency-Key; GET /v1/customers/{id}/enrichment: 200 if applied, else 404;",
            "GET /v1/customers/{id}: a lookup. POST /oauth/token with --oauth-client-id.",
            "Ground truth: GET /_sandbox/records/{id}; POST /_sandbox/records/fix clears",
            "poison and malformed ids. Full API: package dev.sluice.sandbox (package-info)."
        })
public final class SandboxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "8089",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--limit",
            paramLabel = "SPEC",
            description = {
                "A rate limit, repeatable; all apply at once (default: 50/1s; 'none' for no limit).",
                "[window:|bucket:]COUNT/PERIOD[,burst=N][,name=NAME], e.g. 50/1s, 2000/1h,name=daily."
            })
    List<String> limits;

    @Option(
            names = "--limit-mode",
            paramLabel = "MODE",
            defaultValue = "window",
            converter = ModeConverter.class,
            description = "Mode of limits without a prefix: window or bucket (default: ${DEFAULT-VALUE}).")
    LimitMode limitMode;

    @Option(
            names = "--retry-after-floor",
            paramLabel = "DURATION",
            defaultValue = "0s",
            converter = DurationConverter.class,
            description = "Smallest Retry-After a 429 announces (default: ${DEFAULT-VALUE}).")
    Duration retryAfterFloor;

    @Option(
            names = "--records-per-partition",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Records per partition (default: ${DEFAULT-VALUE}).")
    int recordsPerPartition;

    @Option(
            names = "--records-spread",
            paramLabel = "SHARE",
            defaultValue = "0",
            description =
                    "Vary each partition's count by up to ± this share, from the seed (default: ${DEFAULT-VALUE}).")
    double recordsSpread;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "Seeds data and faults (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' (never logged).")
    String token;

    @Option(
            names = "--error-rate",
            paramLabel = "RATE",
            defaultValue = "0",
            description = "Share of requests answered 500/503 (default: ${DEFAULT-VALUE}).")
    double errorRate;

    @Option(
            names = "--reset-rate",
            paramLabel = "RATE",
            defaultValue = "0",
            description = "Share of responses cut mid-body (default: ${DEFAULT-VALUE}).")
    double resetRate;

    @Option(
            names = "--malformed-rate",
            paramLabel = "RATE",
            defaultValue = "0",
            description = "Share of 200s with truncated JSON (default: ${DEFAULT-VALUE}).")
    double malformedRate;

    @Option(
            names = "--latency",
            paramLabel = "DURATION",
            defaultValue = "0ms",
            converter = DurationConverter.class,
            description = "Fixed delay per request (default: ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(
            names = "--latency-jitter",
            paramLabel = "DURATION",
            defaultValue = "0ms",
            converter = DurationConverter.class,
            description = "Extra random delay up to this (default: ${DEFAULT-VALUE}).")
    Duration latencyJitter;

    @Option(
            names = "--outage",
            paramLabel = "LENGTH@AFTER",
            converter = OutageConverter.class,
            description = "All requests get 503 for LENGTH, starting AFTER the start, repeatable, e.g. 10s@30s.")
    List<Outage> outages;

    @Option(
            names = "--fail-first",
            paramLabel = "PARTITION=K",
            description = "Partition's first K admitted requests get 503, repeatable.")
    Map<String, Integer> failFirst;

    @Option(
            names = "--fail-at",
            paramLabel = "PARTITION=N+K",
            description =
                    "Partition's first N admitted requests succeed, the next K get 503, then it recovers, repeatable, e.g. 2026-11-02=3+5.")
    Map<String, String> failAt;

    @Mixin
    SandboxRecordOptions records;

    @Option(
            names = "--stats-interval",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How often to log a stats line on stderr; 0 for never (default: ${DEFAULT-VALUE}).")
    Duration statsInterval;

    @Override
    public Integer call() throws InterruptedException {
        SandboxConfig config = config();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stop.countDown();
                            awaitQuietly(stopped);
                        },
                        "sandbox-shutdown"));
        try (Sandbox sandbox = start(config);
                ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor()) {
            logEvery(ticker, sandbox);
            Console.result(line("ready", sandbox, "config", config.summary()));
            Console.info("sandbox listening on {}", sandbox.baseUrl());
            stop.await();
            ticker.shutdownNow();
            Console.result(line("stopped", sandbox, "stats", sandbox.stats()));
        } finally {
            stopped.countDown();
        }
        return ExitCode.OK.code;
    }

    private SandboxConfig config() {
        try {
            Faults faults = new Faults(errorRate, resetRate, malformedRate, latency, latencyJitter);
            SandboxConfig config = new SandboxConfig(
                    host,
                    port,
                    seed,
                    recordsPerPartition,
                    recordsSpread,
                    token,
                    limitSpecs(),
                    retryAfterFloor,
                    faults,
                    outages,
                    failFirst);
            for (Map.Entry<String, String> e : (failAt == null ? Map.<String, String>of() : failAt).entrySet()) {
                FailWindow w = FailWindow.parse(e.getValue());
                config = config.withFailAt(e.getKey(), w.after(), w.times());
            }
            return config.withRecords(records.config(limitMode));
        } catch (SandboxConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private List<LimitSpec> limitSpecs() {
        List<String> texts = limits == null ? List.of("50/1s") : limits;
        if (texts.equals(List.of("none"))) {
            return List.of();
        }
        return texts.stream().map(text -> LimitSpec.parse(text, limitMode)).toList();
    }

    private static Sandbox start(SandboxConfig config) {
        try {
            return Sandbox.start(config);
        } catch (RuntimeException e) {
            if (hasBindFailure(e)) {
                throw new UsageException("cannot listen on " + config.host() + ":" + config.port()
                        + " (address in use or not local); choose another --port or --host");
            }
            throw e;
        }
    }

    private void logEvery(ScheduledExecutorService ticker, Sandbox sandbox) {
        if (statsInterval.isPositive()) {
            long ms = statsInterval.toMillis();
            ticker.scheduleAtFixedRate(() -> logStats(sandbox.stats()), ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    private static void logStats(SandboxStats s) {
        Console.info(
                "sandbox stats: {} requests, {} admitted, {} ok, {} rate limited ({} early), faults {}, {} duplicates,"
                        + " {} effects applied",
                s.requests(),
                s.admitted(),
                s.servedOk(),
                s.rateLimited(),
                s.earlyAfter429(),
                s.faults(),
                s.duplicates(),
                s.records().effectsApplied());
    }

    private static Map<String, Object> line(String status, Sandbox sandbox, String key, Object value) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("sandbox", status);
        line.put("url", sandbox.baseUrl());
        line.put("port", sandbox.port());
        line.put(key, value);
        return line;
    }

    private static boolean hasBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return plainly(() -> DurationText.parse("duration", value));
        }
    }

    static final class OutageConverter implements ITypeConverter<Outage> {
        @Override
        public Outage convert(String value) {
            return plainly(() -> Outage.parse(value));
        }
    }

    static final class ModeConverter implements ITypeConverter<LimitMode> {
        @Override
        public LimitMode convert(String value) {
            return plainly(() -> LimitMode.parse(value));
        }
    }

    /** Lets picocli say "Invalid value for option '--x': <our message>" without a class name in it. */
    private static <T> T plainly(Supplier<T> conversion) {
        try {
            return conversion.get();
        } catch (SandboxConfigException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
