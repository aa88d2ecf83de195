package dev.sluice.ratelimit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Json;
import dev.sluice.Sha256;
import dev.sluice.Sleeper;
import dev.sluice.config.Durations;
import dev.sluice.ratelimit.internal.BucketShape;
import dev.sluice.ratelimit.internal.LimitRows;
import dev.sluice.ratelimit.internal.LocalBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * The shared limits a job's API calls draw from: one token bucket per limit in its
 * {@code sluice_limit} row, so every partition, run and job naming the limit shares it, on any
 * machine. Before every call (retries included) {@link #acquire(PermitCost)} takes the call's cost
 * from each (one permit, or its units, e.g. tokens), waiting when needed; a pause the API asked
 * for (Retry-After, or "0 remaining until reset") holds every process.
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

    private record Limit(
            int index, LimitConfig config, long maxCost, LimitRows.Registration registration, LocalBatch batch) {}

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
                    rows.register(config.name(), json, Sha256.hex(json), owner, BucketShape.of(config));
            limits.add(new Limit(limits.size(), config, config.maxCost(), registration, new LocalBatch()));
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

    /** {@link #acquire(PermitCost)} for a plain request: one unit of every limit. */
    public long acquire() {
        return acquire(PermitCost.ONE);
    }

    /**
     * Waits until a call of {@code cost} may go out under every limit, honouring any pause in
     * force, and returns right before it may: it takes the call's units of each limit (a limit the
     * cost does not name takes 1, a cost of 0 takes nothing from it). Units from this process's
     * batches need no round trip; the limits whose batches lack units are taken from together, in
     * one statement that also checks the pause. After any wait (reserved units, a quota's reset, a
     * pause) the pause is checked again (5 ms before reserved units' moment), so a pause recorded
     * meanwhile is not undercut. Units of a batch may go out for at most their short deadline after
     * another process recorded a pause (see the README).
     *
     * <p>Several limits are taken in one statement, which locks their rows in name order (never a
     * cycle, so no deadlock) for that statement only, and gives units of all of them or of none: a
     * batch of each when each has the call's units now, or the call's units of each reserved for
     * the moment the last of them refills, when every reserved unit is still valid then. So no
     * unit of one limit is spent while the call waits for another. When the limits' waits are too
     * far apart for that, nothing is taken and the call asks again when the slowest limit will have
     * its units; reservations are first come, first served, so nobody starves.
     *
     * @return nanoseconds spent waiting
     * @throws LimitExhaustedException  when no permit is possible within {@code max_wait}
     * @throws IllegalArgumentException when the cost of a limit is more than it can ever grant at
     *                                  once ({@link LimitConfig#maxCost()}); callers check first
     */
    public long acquire(PermitCost cost) {
        if (limits.isEmpty()) {
            return 0;
        }
        int[] need = needs(cost);
        long started = System.nanoTime();
        Instant deadline = clock.instant().plus(maxWait);
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted("interrupted while waiting for a permit");
        }
        try {
            boolean waited = false;
            while (true) {
                long now = System.nanoTime();
                List<Limit> lacking = limits.stream()
                        .filter(l -> need[l.index()] > 0 && !l.batch().usable(now, need[l.index()]))
                        .toList();
                if (!lacking.isEmpty()) {
                    waited |= hold(lacking, need, now, deadline);
                    continue;
                }
                if (waited || (pausedHere && System.nanoTime() - pauseEndsNanos < 0)) {
                    waited = false;
                    Optional<LimitRows.Pause> pause = rows.pause(names);
                    if (pause.isPresent()) {
                        waitOut(pause, deadline);
                        waited = true;
                        continue;
                    }
                }
                long at = System.nanoTime();
                if (limits.stream()
                        .allMatch(l -> need[l.index()] == 0 || l.batch().usable(at, need[l.index()]))) {
                    limits.forEach(l -> l.batch().use(need[l.index()]));
                    events.permitted(at);
                    return System.nanoTime() - started;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private int[] needs(PermitCost cost) {
        int[] need = new int[limits.size()];
        for (Limit limit : limits) {
            long units = cost.of(limit.config().name());
            if (units > limit.maxCost()) {
                throw new IllegalArgumentException("limit " + limit.config().name() + ": a call of " + units
                        + " units can never be granted: the limit grants at most " + limit.maxCost()
                        + " at once (raise its burst to the largest cost)");
            }
            need[limit.index()] = (int) units;
        }
        return need;
    }

    /**
     * Brings the batches of {@code lacking} closer to the call's units: waits for units already
     * reserved, or takes from all of them in one round trip. True when that meant waiting.
     */
    private boolean hold(List<Limit> lacking, int[] need, long now, Instant deadline) {
        Duration reserved = Duration.ZERO;
        boolean allReserved = true;
        for (Limit limit : lacking) {
            Duration until = limit.batch().untilUsable(now, need[limit.index()]);
            allReserved &= until.isPositive();
            reserved = until.compareTo(reserved) > 0 ? until : reserved;
        }
        if (allReserved && reserved.compareTo(PAUSE_CHECK_LEAD) > 0) {
            // wake a little early for the pause check, so its round trip does not eat into the
            // short time the reserved units may be used in
            waitFor(reserved.minus(PAUSE_CHECK_LEAD));
            return true;
        } else if (allReserved) {
            spinFor(reserved); // a sleep this short oversleeps on a loaded machine, past the units' deadline
            return false;
        }
        int[] wants = new int[lacking.size()];
        int[] needs = new int[lacking.size()];
        for (int i = 0; i < lacking.size(); i++) {
            LocalBatch batch = lacking.get(i).batch();
            int units = need[lacking.get(i).index()];
            wants[i] = batch.want(now, units);
            needs[i] = Math.min(wants[i], batch.lacking(now, units));
            if (!lacking.get(i).config().quotas().isEmpty()) {
                // A quota's units are scarce for its whole period: units of a batch that expires
                // unused are lost until the reset, so a limit with a quota is asked only for what
                // the call lacks (a quota is low-rate by nature; batching buys it nothing).
                wants[i] = needs[i];
            }
        }
        matchBatches(lacking, need, wants, needs);
        List<String> asked = lacking.stream().map(l -> l.config().name()).toList();
        // units dropped unused (a late waker's reserved permit) go back to their quotas in this take
        List<LocalBatch.Dropped> dropped =
                lacking.stream().map(l -> l.batch().takeDropped()).toList();
        Duration left = Duration.between(clock.instant(), deadline);
        long sent = System.nanoTime();
        LimitRows.Take take = rows.take(asked, wants, needs, dropped, left.isNegative() ? Duration.ZERO : left);
        long received = System.nanoTime();
        if (take.pausedUntil() != null) {
            Duration remaining = Duration.between(take.dbNow(), take.pausedUntil());
            waitOut(Optional.of(new LimitRows.Pause(remaining, take.pausedUntil(), take.pauseReason())), deadline);
            return true;
        }
        if (!take.took()) {
            Instant retry = clock.instant().plus(Duration.between(take.dbNow(), take.retryAt()));
            if (retry.isAfter(deadline)) {
                throw new LimitExhaustedException(
                        String.join(", ", asked),
                        retry,
                        "no permit within max_wait " + Durations.format(maxWait)
                                + " (a quota is used up, or the limit is far behind)");
            }
            waitFor(Duration.between(clock.instant(), retry).plusMillis(1));
            return true;
        }
        for (int i = 0; i < lacking.size(); i++) {
            lacking.get(i).batch().fill(take, take.granted().get(i), sent, received);
            events.taken(asked.get(i), take.granted().get(i));
        }
        return false;
    }

    /**
     * Asks no limit for more calls' worth of units than the others' batches (held or asked for)
     * can serve: with requests/min and tokens/min, a tokens batch beyond what the requests batch
     * allows would expire unused while other processes wait for it.
     */
    private void matchBatches(List<Limit> lacking, int[] need, int[] wants, int[] needs) {
        long calls = Long.MAX_VALUE;
        for (Limit limit : limits) {
            int units = need[limit.index()];
            if (units > 0) {
                int i = lacking.indexOf(limit);
                calls = Math.min(
                        calls,
                        (i >= 0
                                        ? wants[i] + limit.batch().left()
                                        : limit.batch().left())
                                / units);
            }
        }
        long n = Math.max(1, calls);
        for (int i = 0; i < lacking.size(); i++) {
            long units = need[lacking.get(i).index()];
            wants[i] = (int) Math.max(needs[i], Math.min(wants[i], n * units));
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
