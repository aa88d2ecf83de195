package dev.sluice.ratelimit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.Sleeper;
import dev.sluice.config.Durations;
import dev.sluice.ratelimit.internal.Buckets;
import dev.sluice.ratelimit.internal.LimitRows;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The shared limits a job's API calls draw from: one Bucket4j bucket per limit in PostgreSQL, so
 * every partition, run and job naming the limit shares it, on any machine. Before every call
 * (retries included) {@link #acquire()} takes one permit from each, waiting when needed; a pause
 * the API asked for (Retry-After, or "0 remaining until reset") holds every process.
 */
public final class SharedLimits {
    private final List<Limit> limits;
    private final List<String> names;
    private final LimitRows rows;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration maxWait;

    private record Limit(LimitConfig config, BucketProxy bucket, LimitRows.Registration registration) {}

    private SharedLimits(List<Limit> limits, LimitRows rows, Clock clock, Sleeper sleeper) {
        this.limits = List.copyOf(limits);
        this.names = limits.stream().map(l -> l.config().name()).toList();
        this.rows = rows;
        this.clock = clock;
        this.sleeper = sleeper;
        this.maxWait = limits.stream()
                .map(l -> l.config().maxWait())
                .min(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    /** No limits: calls go out unpaced (only Retry-After delays this process's own retries). */
    public static SharedLimits none(Clock clock) {
        return new SharedLimits(List.of(), null, clock, Sleeper.SYSTEM);
    }

    /**
     * Registers the job's limit configurations (a changed one gets a new version that replaces the
     * stored bucket configuration for all processes) and opens their buckets.
     *
     * @param owner   who configures them, for {@code sluice_limit.configured_by} (job and file)
     * @param sleeper waits out pauses the API asked for
     */
    public static SharedLimits open(
            Jdbi jdbi, DataSource dataSource, List<LimitConfig> configs, String owner, Clock clock, Sleeper sleeper) {
        if (configs.isEmpty()) {
            return none(clock);
        }
        LimitRows rows = new LimitRows(jdbi);
        var proxies = Buckets.proxyManager(dataSource);
        proxies.removeExpired(1000);
        List<Limit> limits = new ArrayList<>();
        for (LimitConfig config : configs) {
            String json = canonical(config);
            LimitRows.Registration registration = rows.register(config.name(), json, sha256(json), owner);
            var configuration = Buckets.configuration(config);
            BucketProxy bucket = proxies.builder()
                    .withImplicitConfigurationReplacement(
                            registration.version(), TokensInheritanceStrategy.PROPORTIONALLY)
                    .build(config.name(), () -> configuration);
            if (registration.changed()) {
                bucket.getAvailableTokens(); // Bucket4j replaces the stored configuration on the newer proxy's first
                // command
            }
            limits.add(new Limit(config, bucket, registration));
        }
        return new SharedLimits(limits, rows, clock, sleeper);
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }

    /** The limits' names, e.g. for the breaker key and messages. */
    public List<String> names() {
        return names;
    }

    /** The longest a call may wait for permits (the smallest {@code max_wait} of the limits). */
    public Duration maxWait() {
        return maxWait;
    }

    /** Limits whose configuration this job changed (a new version), with who had set it before. */
    public List<String> changedConfigurations() {
        return limits.stream()
                .filter(l -> l.registration().changed())
                .map(l -> l.config().name() + " (version " + l.registration().version() + ", previously set by "
                        + l.registration().previousOwner() + ")")
                .toList();
    }

    /**
     * Waits for a permit of every limit, honouring any pause in force. The pause is checked after
     * the permit, right before the call goes out, so a pause recorded while this process waited for
     * its permit is not undercut; a permit taken during a pause is dropped and a fresh one taken
     * when it ends (one token per pause and process, in exchange for one round trip less per call:
     * a permit costs 4 round trips, 3 of them Bucket4j's).
     *
     * @return nanoseconds spent waiting
     * @throws LimitExhaustedException when no permit is possible within {@code max_wait}
     */
    public long acquire() {
        if (limits.isEmpty()) {
            return 0;
        }
        long started = System.nanoTime();
        Instant deadline = clock.instant().plus(maxWait);
        while (true) {
            for (Limit limit : limits) {
                take(limit, deadline);
            }
            Optional<LimitRows.Pause> pause = rows.pause(names);
            if (pause.isEmpty()) {
                return System.nanoTime() - started;
            }
            waitOut(pause, deadline);
        }
    }

    private void waitOut(Optional<LimitRows.Pause> pause, Instant deadline) {
        while (pause.isPresent()) {
            Instant resume = clock.instant().plus(pause.get().remaining());
            if (resume.isAfter(deadline)) {
                throw new LimitExhaustedException(
                        String.join(", ", names),
                        resume,
                        pause.get().reason() + "; that is longer than max_wait " + Durations.format(maxWait));
            }
            waitFor(pause.get().remaining().plusMillis(1));
            pause = rows.pause(names);
        }
    }

    private void take(Limit limit, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        try {
            // Bucket4j refuses a zero wait: with no time left (max_wait 0s), try without waiting
            boolean granted = left.toNanos() <= 0
                    ? limit.bucket().tryConsume(1)
                    : limit.bucket().asBlocking().tryConsume(1, left);
            if (!granted) {
                long nanos = limit.bucket().estimateAbilityToConsume(1).getNanosToWaitForRefill();
                throw new LimitExhaustedException(
                        limit.config().name(),
                        clock.instant().plusNanos(nanos),
                        "no permit within max_wait " + Durations.format(maxWait)
                                + " (a quota is used up, or the limit is far behind)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LimitExhaustedException(
                    limit.config().name(), clock.instant(), "interrupted while waiting for a permit");
        }
    }

    /** The API asked to wait: nobody sharing these limits calls it for {@code length}. */
    public void pause(Duration length, String reason) {
        if (!limits.isEmpty() && length.isPositive()) {
            rows.pause(names, length, reason);
        }
    }

    private static String canonical(LimitConfig config) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.putPOJO("rates", config.parsedRates().stream().map(Rate::toString).toList());
        node.putPOJO(
                "quotas", config.parsedQuotas().stream().map(Rate::toString).toList());
        node.put("burst", config.burst());
        node.put("headroom", config.headroom());
        return node.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void waitFor(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LimitExhaustedException(String.join(", ", names), clock.instant(), "interrupted while paused");
        }
    }
}
