package dev.sluice.ratelimit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.Sleeper;
import dev.sluice.config.Durations;
import dev.sluice.ratelimit.internal.BucketShape;
import dev.sluice.ratelimit.internal.LimitRows;
import dev.sluice.ratelimit.internal.LocalBatch;
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
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The shared limits a job's API calls draw from: one token bucket per limit in its
 * {@code sluice_limit} row, so every partition, run and job naming the limit shares it, on any
 * machine. Before every call (retries included) {@link #acquire()} takes one permit from each,
 * waiting when needed; a pause the API asked for (Retry-After, or "0 remaining until reset") holds
 * every process.
 *
 * <p>Permits come in batches: one round trip takes as many as this process's demand calls for
 * (one at a time at low rates), and each stays usable only within a short deadline set by the
 * database, so that no window of any rate admits more than the rate across all processes (the
 * proof is in the README, "Batched permits"). Permits still usable when the run ends are handed
 * back by {@link #close()}.
 */
public final class SharedLimits implements AutoCloseable {
    private final List<Limit> limits;
    private final List<String> names;
    private final LimitRows rows;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration maxWait;
    private final PermitEvents events;
    private static final Duration PAUSE_CHECK_LEAD = Duration.ofMillis(5);
    private final ReentrantLock lock = new ReentrantLock();
    // a pause this process recorded: its other threads must not use permits of a batch meanwhile
    private volatile boolean pausedHere;
    private volatile long pauseEndsNanos;

    private record Limit(LimitConfig config, LimitRows.Registration registration, LocalBatch batch) {}

    /** What the limits did, for tests and benchmarks (core code holds no logger). */
    public interface PermitEvents {
        PermitEvents NONE = new PermitEvents() {};

        /** A call was let through at {@code nanoTime} ({@link System#nanoTime()}, after every check). */
        default void permitted(long nanoTime) {}

        /** One round trip took {@code granted} permits of {@code limit}. */
        default void taken(String limit, int granted) {}
    }

    private SharedLimits(List<Limit> limits, LimitRows rows, Clock clock, Sleeper sleeper, PermitEvents events) {
        this.limits = List.copyOf(limits);
        this.names = limits.stream().map(l -> l.config().name()).toList();
        this.rows = rows;
        this.clock = clock;
        this.sleeper = sleeper;
        this.events = events;
        this.maxWait = limits.stream()
                .map(l -> l.config().maxWait())
                .min(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    /** No limits: calls go out unpaced (only Retry-After delays this process's own retries). */
    public static SharedLimits none(Clock clock) {
        return new SharedLimits(List.of(), null, clock, Sleeper.SYSTEM, PermitEvents.NONE);
    }

    /**
     * Registers the job's limit configurations (a changed one gets a new version, which every
     * process sharing the limit follows from its next round trip).
     *
     * @param owner   who configures them, for {@code sluice_limit.configured_by} (job and file)
     * @param sleeper waits for permits and out pauses the API asked for
     */
    public static SharedLimits open(
            Jdbi jdbi, DataSource dataSource, List<LimitConfig> configs, String owner, Clock clock, Sleeper sleeper) {
        return open(jdbi, configs, owner, clock, sleeper, PermitEvents.NONE);
    }

    /** {@link #open(Jdbi, DataSource, List, String, Clock, Sleeper)}, reporting to {@code events}. */
    public static SharedLimits open(
            Jdbi jdbi, List<LimitConfig> configs, String owner, Clock clock, Sleeper sleeper, PermitEvents events) {
        if (configs.isEmpty()) {
            return none(clock);
        }
        LimitRows rows = new LimitRows(jdbi);
        List<Limit> limits = new ArrayList<>();
        for (LimitConfig config : configs) {
            String json = canonical(config);
            LimitRows.Registration registration =
                    rows.register(config.name(), json, sha256(json), owner, BucketShape.of(config));
            limits.add(new Limit(config, registration, new LocalBatch()));
        }
        return new SharedLimits(limits, rows, clock, sleeper, events);
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
     * Waits for a permit of every limit, honouring any pause in force, and returns right before the
     * call may go out. A permit from this process's batch needs no round trip; a fresh batch costs
     * one, and its statement checks the pause too. After any wait (a reserved permit, a quota's
     * reset, a pause) the pause is checked again (5 ms before a reserved permit's moment), so a
     * pause recorded meanwhile is not undercut.
     * Permits of a batch may go out for at most their short deadline after another process
     * recorded a pause (see the README).
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
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted("interrupted while waiting for a permit");
        }
        try {
            while (true) {
                boolean waited = false;
                for (Limit limit : limits) {
                    waited |= hold(limit, deadline);
                }
                if (waited || (pausedHere && System.nanoTime() - pauseEndsNanos < 0)) {
                    Optional<LimitRows.Pause> pause = rows.pause(names);
                    if (pause.isPresent()) {
                        waitOut(pause, deadline);
                        continue;
                    }
                }
                long now = System.nanoTime();
                if (limits.stream().allMatch(l -> l.batch().usable(now))) {
                    limits.forEach(l -> l.batch().use());
                    events.permitted(now);
                    return System.nanoTime() - started;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Makes sure the limit's batch has a usable permit; true when that meant waiting. */
    private boolean hold(Limit limit, Instant deadline) {
        LocalBatch batch = limit.batch();
        boolean waited = false;
        for (long now = System.nanoTime(); !batch.usable(now); now = System.nanoTime()) {
            Duration reserved = batch.untilUsable(now);
            if (reserved.compareTo(PAUSE_CHECK_LEAD) > 0) {
                // wake a little early for the pause check, so its round trip does not eat into the
                // short time the reserved permit may be used in
                waitFor(reserved.minus(PAUSE_CHECK_LEAD));
                waited = true;
                continue;
            } else if (reserved.isPositive()) {
                spinFor(reserved); // a sleep this short oversleeps on a loaded machine, past the permit's deadline
                continue;
            }
            int want = batch.want(now);
            Duration left = Duration.between(clock.instant(), deadline);
            long sent = System.nanoTime();
            LimitRows.Take take = rows.take(limit.config().name(), want, left.isNegative() ? Duration.ZERO : left);
            long received = System.nanoTime();
            if (take.pausedUntil() != null) {
                Duration remaining = Duration.between(take.dbNow(), take.pausedUntil());
                waitOut(Optional.of(new LimitRows.Pause(remaining, take.pausedUntil(), take.pauseReason())), deadline);
                waited = true;
            } else if (take.granted() == 0) {
                Instant retry = clock.instant().plus(Duration.between(take.dbNow(), take.retryAt()));
                if (retry.isAfter(deadline)) {
                    throw new LimitExhaustedException(
                            limit.config().name(),
                            retry,
                            "no permit within max_wait " + Durations.format(maxWait)
                                    + " (a quota is used up, or the limit is far behind)");
                }
                waitFor(Duration.between(clock.instant(), retry).plusMillis(1));
                waited = true;
            } else {
                batch.fill(take, sent, received);
                events.taken(limit.config().name(), take.granted());
            }
        }
        return waited;
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

    /**
     * Hands back the permits this process took and did not use, while they are still usable; the
     * next taker inherits their deadline. Best effort: a permit not handed back is only unused
     * budget, never an extra call.
     */
    @Override
    public void close() {
        if (limits.isEmpty() || !lock.tryLock()) {
            return;
        }
        try {
            for (Limit limit : limits) {
                int back = limit.batch().surrender(System.nanoTime());
                if (back > 0) {
                    rows.giveBack(limit.config().name(), back, limit.batch().deadline());
                }
            }
        } catch (RuntimeException e) {
            // the run is ending anyway; unused permits simply lapse at their deadline
        } finally {
            lock.unlock();
        }
    }

    /** The API asked to wait: nobody sharing these limits calls it for {@code length}. */
    public void pause(Duration length, String reason) {
        if (!limits.isEmpty() && length.isPositive()) {
            pauseEndsNanos = System.nanoTime() + length.toNanos();
            pausedHere = true;
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
        if (!config.permitValidity().equals(LimitConfig.MIN_PERMIT_VALIDITY)) {
            // only when set: the configurations stored before the setting existed keep their version
            node.put("permit_validity", Durations.format(config.permitValidity()));
        }
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
            throw interrupted("interrupted while waiting for a permit or a pause to end");
        }
    }

    private void spinFor(Duration d) {
        for (long until = System.nanoTime() + d.toNanos(); System.nanoTime() - until < 0; ) {
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted("interrupted while waiting for a permit");
            }
            Thread.onSpinWait();
        }
    }

    private LimitExhaustedException interrupted(String why) {
        return new LimitExhaustedException(String.join(", ", names), clock.instant(), why);
    }
}
