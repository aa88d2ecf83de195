package dev.sluice.bench;

import dev.sluice.bench.internal.Samples;
import dev.sluice.history.HistorySettings;
import dev.sluice.history.LimitHistory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The history's counting path alone: CPU nanoseconds (this thread's, so other work on the machine
 * does not count) per permit counted the way the call gate counts one (its wait, then the call),
 * with the history on and with it off ({@code SLUICE_HISTORY=off}'s recorder), in alternating
 * rounds. What the limiter bench's on/off comparison cannot resolve on a busy machine.
 */
public final class CountingBench {
    static final String LIMIT = "bench-counting";
    private static final int WARM_UP_ROUNDS = 2;

    /**
     * @param onNanos   CPU ns per permit with the history on, per round
     * @param offNanos  the same with it off
     * @param costNanos the difference of the medians: what counting a permit costs
     */
    public record Result(
            String bench, int rounds, long permitsPerRound, Samples onNanos, Samples offNanos, double costNanos) {}

    private CountingBench() {}

    /** Counts {@code permits} per round, {@code rounds} times each way (after warm-up rounds), into {@code jdbi}'s history. */
    public static Result run(Jdbi jdbi, int rounds, long permits) {
        // an hour between writes: the timer never writes inside a round; the close writes once
        HistorySettings settings = new HistorySettings(true, Duration.ofHours(1), Duration.ofHours(24));
        List<Double> on = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        try (LimitHistory history = LimitHistory.start(jdbi, settings, Clock.systemUTC(), w -> {})) {
            LimitHistory.Recorder counting = history.recorder(List.of(LIMIT));
            LimitHistory.Recorder none = LimitHistory.off().recorder(List.of(LIMIT));
            for (int round = 0; round < rounds + WARM_UP_ROUNDS; round++) {
                boolean onFirst = round % 2 == 0;
                double first = cpuNanosPerPermit(onFirst ? counting : none, permits);
                double second = cpuNanosPerPermit(onFirst ? none : counting, permits);
                if (round >= WARM_UP_ROUNDS) {
                    on.add(onFirst ? first : second);
                    off.add(onFirst ? second : first);
                }
            }
        }
        Samples onNanos = Samples.of(on);
        Samples offNanos = Samples.of(off);
        return new Result(
                "counting", rounds, permits, onNanos, offNanos, Samples.round(onNanos.median() - offNanos.median()));
    }

    private static double cpuNanosPerPermit(LimitHistory.Recorder recorder, long permits) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (long i = 0; i < permits; i++) {
            recorder.waited(300 + (i & 7)); // a batched permit's acquire() returns the few hundred ns it took
            recorder.call();
        }
        return (threads.getCurrentThreadCpuTime() - cpu0) / (double) permits;
    }
}
