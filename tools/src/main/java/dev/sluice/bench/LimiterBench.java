package dev.sluice.bench;

import dev.sluice.Sleeper;
import dev.sluice.bench.internal.LimiterWorkers;
import dev.sluice.bench.internal.RoundTripCounter;
import dev.sluice.bench.internal.Samples;
import dev.sluice.db.Database;
import dev.sluice.history.LimitHistory;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.ratelimit.Rate;
import dev.sluice.ratelimit.SharedLimits;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The shared limit's own ceiling: permits per second that one bucket row hands out when the API
 * is not the bottleneck, with N processes each calling {@link SharedLimits#acquire()} in a loop
 * against a generous limit for the same window. Each worker also counts the statements and
 * commits one permit costs (through a counting DataSource, before and outside its timed loop).
 */
public final class LimiterBench {
    /**
     * @param processes how many worker processes share the limit
     * @param seconds   the timed window
     * @param limit     the limit's name (its bucket row)
     * @param rate      its rate, generous enough never to make anyone wait (e.g. 100000/1s)
     */
    public record Config(int processes, int seconds, String limit, String rate) {}

    /**
     * What one worker did in the window ({@code acquireMillis}: time spent inside acquire(), in
     * total; {@code historyMillis}: time spent counting permits in the history, in total;
     * {@code cpuMillis}: CPU the worker process used in the window, every thread and the GC included).
     */
    public record WorkerResult(
            long permits,
            double seconds,
            double acquireMillis,
            double historyMillis,
            double cpuMillis,
            double statementsPerPermit,
            double transactionEndsPerPermit,
            long calibrationPermits) {}

    /**
     * @param permitsPerSecond    all workers' permits in the window / its length
     * @param perWorker           each worker's permits per second
     * @param roundTripsPerPermit statements + commits per permit (pgjdbc: one round trip each)
     * @param acquireMillisPerPermit mean time one acquire() took (its round trips and lock waits)
     * @param historyPercent      share of the workers' window spent counting permits in the history
     * @param cpuMicrosPerPermit  CPU the worker processes used per permit (user + system, all threads):
     *                            unlike permits/s, it does not drop when other work shares the machine
     */
    public record Result(
            String bench,
            int processes,
            int seconds,
            String rate,
            long permits,
            double permitsPerSecond,
            Samples perWorker,
            double statementsPerPermit,
            double transactionEndsPerPermit,
            double roundTripsPerPermit,
            double acquireMillisPerPermit,
            double historyPercent,
            double cpuMicrosPerPermit) {}

    private LimiterBench() {}

    /** Starts {@code processes} workers (this JVM's command line), starts them together, sums their counts. */
    public static Result run(Config config, Consumer<String> log) {
        List<WorkerResult> workers = LimiterWorkers.run(config, log);
        long permits = workers.stream().mapToLong(WorkerResult::permits).sum();
        double window =
                workers.stream().mapToDouble(WorkerResult::seconds).max().orElse(config.seconds());
        double statements = workers.stream()
                .mapToDouble(WorkerResult::statementsPerPermit)
                .average()
                .orElse(Double.NaN);
        double ends = workers.stream()
                .mapToDouble(WorkerResult::transactionEndsPerPermit)
                .average()
                .orElse(Double.NaN);
        return new Result(
                "limiter",
                config.processes(),
                config.seconds(),
                config.rate(),
                permits,
                Samples.round(permits / window),
                Samples.of(workers.stream().map(w -> w.permits() / w.seconds()).toList()),
                Samples.round(statements),
                Samples.round(ends),
                Samples.round(statements + ends),
                Samples.round(workers.stream()
                                .mapToDouble(WorkerResult::acquireMillis)
                                .sum()
                        / permits),
                Samples.round(100.0
                        * workers.stream()
                                .mapToDouble(WorkerResult::historyMillis)
                                .sum()
                        / workers.stream().mapToDouble(w -> w.seconds() * 1000).sum()),
                Samples.round(1000.0
                        * workers.stream().mapToDouble(WorkerResult::cpuMillis).sum()
                        / permits));
    }

    /**
     * One worker: calibrates, says it is ready, waits for {@code go} (a start time, epoch ms, on
     * stdin), then takes permits until the window ends. Each permit is counted in {@code history}
     * the way the call gate counts a call (its wait, then the call), so that running the bench with
     * {@code SLUICE_HISTORY=on} and {@code off} side by side measures what the history costs.
     */
    public static WorkerResult work(
            Database database, Config config, LimitHistory history, Runnable ready, LongSupplier go) {
        List<LimitConfig> limits =
                List.of(new LimitConfig(config.limit(), List.of(config.rate()), null, null, null, null));
        RoundTripCounter counter = new RoundTripCounter(database.dataSource());
        Jdbi counted = Jdbi.create(counter.dataSource()).installPlugin(new PostgresPlugin());
        SharedLimits calibrated = SharedLimits.open(
                counted, counter.dataSource(), limits, "sluice bench limiter", Clock.systemUTC(), Sleeper.SYSTEM);
        // 300 permits, or about 3 s of them at a low rate (5/1s: 15)
        int calibration =
                (int) Math.max(10, Math.min(300, 3 * Rate.parse(config.rate()).perSecond()));
        long statements0 = counter.statements();
        long ends0 = counter.transactionEnds();
        for (int i = 0; i < calibration; i++) {
            calibrated.acquire();
        }
        double statements = (counter.statements() - statements0) / (double) calibration;
        double ends = (counter.transactionEnds() - ends0) / (double) calibration;
        LimitHistory.Recorder recorder = history.recorder(List.of(config.limit()));
        SharedLimits shared = SharedLimits.open(
                database.jdbi(),
                limits,
                "sluice bench limiter",
                Clock.systemUTC(),
                Sleeper.SYSTEM,
                new SharedLimits.PermitEvents() {
                    @Override
                    public void taken(String limit, int granted) {
                        recorder.permits(limit, granted);
                    }
                });
        for (long until = System.nanoTime() + 1_000_000_000L; System.nanoTime() < until; ) {
            shared.acquire(); // warm-up
        }
        calibrated.close();
        ready.run();
        return loop(shared, recorder, go.getAsLong(), config.seconds(), statements, ends, calibration);
    }

    private static WorkerResult loop(
            SharedLimits shared,
            LimitHistory.Recorder recorder,
            long startEpochMillis,
            int seconds,
            double statements,
            double ends,
            int calibration) {
        sleepUntil(startEpochMillis);
        long cpu0 = processCpuNanos();
        long started = System.nanoTime();
        long end = started + Duration.ofSeconds(seconds).toNanos();
        long permits = 0;
        long inAcquire = 0;
        long inHistory = 0;
        long timed = 0;
        // The clock is read (for the window's end, and around the counting) on one permit in 64:
        // a clock read costs about as much as counting a permit, and reading it on every permit
        // would add the same to both sides of the on/off comparison, diluting the history's share.
        while ((permits & 63) != 0 || System.nanoTime() < end) {
            long waited = shared.acquire();
            if ((permits & 63) == 0) {
                long before = System.nanoTime();
                long counting = System.nanoTime(); // before..counting: what one clock read adds
                recorder.waited(waited);
                recorder.call();
                inHistory += (System.nanoTime() - counting) - (counting - before);
                timed++;
            } else {
                recorder.waited(waited);
                recorder.call();
            }
            inAcquire += waited;
            permits++;
        }
        return new WorkerResult(
                permits,
                (System.nanoTime() - started) / 1e9,
                inAcquire / 1e6,
                inHistory / 1e6 * permits / Math.max(1, timed),
                (processCpuNanos() - cpu0) / 1e6,
                statements,
                ends,
                calibration);
    }

    /** CPU this process used so far, user + system, every thread (the history's flush thread and GC too). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void sleepUntil(long epochMillis) {
        try {
            Sleeper.SYSTEM.sleep(Duration.ofMillis(epochMillis - System.currentTimeMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
