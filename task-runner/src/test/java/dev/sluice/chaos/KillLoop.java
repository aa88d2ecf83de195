package dev.sluice.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.RecordJob;
import dev.sluice.testing.RecordPartitionJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Drives the attempts of a per-record partition (RecordKillTest, RedisStreamKillTest): SIGKILLs
 * at random points of its progress, then re-runs until a run says it is done.
 */
final class KillLoop {
    private final String name;
    private final RecordPartitionJob job;
    private final Path spec;
    private final long total;
    private final Random random;
    private final Predicate<SluiceProcess.Result> done;
    private final List<String> log = new ArrayList<>();
    /** Per kill of an attempt that owned the partition: its calls sent and not answered. */
    final List<Long> inFlightAtKills = new ArrayList<>();

    private long countedEpoch;
    int kills;
    private int exitsWithoutKill;

    /**
     * A loop over {@code job}'s partition of {@code total} records; {@code done} tells the run
     * that completes it (it exited 0, and for a stream, found nothing left).
     */
    KillLoop(
            String name,
            RecordPartitionJob job,
            Path spec,
            long total,
            Random random,
            Predicate<SluiceProcess.Result> done) {
        this.name = name;
        this.job = job;
        this.spec = spec;
        this.total = total;
        this.random = random;
        this.done = done;
    }

    /**
     * SIGKILL when the partition reaches a random number of committed records ahead of where it
     * is, plus a few random ms (landing while calls are in flight); two kills during start-up.
     * The targets leave room for overshoot, so the 30+ kills fit in the partition.
     */
    void killAtRandomPoints(int count) {
        int goal = kills + count;
        for (int i = 0; i < 2; i++) {
            SluiceProcess process = job.start(spec);
            RecordJob.pause(Duration.ofMillis(300 + random.nextInt(900)));
            kill(process, "during start-up");
        }
        while (kills < goal) {
            long left = total - job.committed();
            // Half an even share of what is left: a kill lands up to a commit batch (64 records or
            // 250 ms) past its target on a loaded machine, and the rest must last for every kill.
            long share = (left - 50) / (2L * (goal - kills));
            if (share < 1) {
                // The partition ran ahead of the kills (a loaded machine commits in full batches):
                // the remaining kills land at random moments of a run, mostly before its first commit.
                if (left == 0) {
                    break;
                }
                SluiceProcess process = job.start(spec);
                RecordJob.pause(Duration.ofMillis(200 + random.nextInt(1000)));
                kill(process, "at a random moment");
                continue;
            }
            long target = job.committed() + 1 + random.nextInt((int) share);
            SluiceProcess process = job.start(spec);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (process.process().isAlive() && job.committed() < target) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no progress to " + target + " records in 2 minutes; stderr:\n"
                            + process.stderrSoFar() + "\n" + log());
                }
                RecordJob.pause(Duration.ofMillis(2));
            }
            RecordJob.pause(Duration.ofMillis(random.nextInt(40)));
            kill(process, "at " + target + " records");
        }
    }

    private void kill(SluiceProcess process, String when) {
        if (!process.process().isAlive()) {
            SluiceProcess.Result result = process.await(Duration.ofSeconds(5));
            // Only completion (0) or a temporary stop (75, e.g. the killed attempt's lease not yet
            // expired) may end a run before its kill; anything else would repeat on every re-run.
            assertThat(result.exit()).as(result.describe()).isIn(0, 75);
            if (++exitsWithoutKill > 20) {
                throw new AssertionError("20 runs in a row exited by themselves: " + log());
            }
            log.add("exited by itself before the kill " + when + ": " + result.exit());
            return;
        }
        exitsWithoutKill = 0;
        process.kill();
        kills++;
        inFlightAtKills.add(inFlightOfLastEpoch());
        log.add("killed " + when + " with " + job.committed() + " committed");
    }

    /**
     * Calls the attempt just killed had marked sent and had no answer for: "sent" carries the
     * epoch of the attempt that sent it, and the killed attempt holds the partition's latest
     * epoch; one that died before claiming the partition had none in flight.
     */
    private long inFlightOfLastEpoch() {
        List<String> epoch =
                job.input().rows("SELECT epoch FROM sluice_partition WHERE partition_key = '" + job.partition() + "'");
        long latest = epoch.isEmpty() ? 0 : Long.parseLong(epoch.getFirst());
        if (latest == countedEpoch) {
            return 0;
        }
        countedEpoch = latest;
        return job.input()
                .number("SELECT count(*) FROM sluice_call WHERE state = 'sent' AND answer IS NULL AND epoch = "
                        + latest);
    }

    /**
     * Re-runs until a run is {@code done}; returns that run. A run that is not done may only have
     * stopped for now (75), or, for a stream, have exited 0 with entries left.
     */
    SluiceProcess.Result finish() {
        for (int attempt = 0; attempt < 20; attempt++) {
            SluiceProcess.Result run = job.run(spec);
            if (done.test(run)) {
                System.out.println(name + ": " + kills + " kills; " + log());
                return run;
            }
            assertThat(run.exit()).as(run.describe()).isIn(0, 75);
        }
        throw new AssertionError("the partition was never done: " + log());
    }

    String log() {
        return String.join("; ", log);
    }
}
