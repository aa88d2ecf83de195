package dev.sluice.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sandbox.Faults;
import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.RecordReport;
import dev.sluice.sandbox.RecordsConfig;
import dev.sluice.testing.RecordJob;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Answers commit in input order, so a record whose call is retried holds the head of the
 * partition's window while the records behind it are called: up to four times the concurrency may
 * wait there (bench-records: with twice, a retried head stopped the partition and its share of the
 * limit was lost), and never more (memory stays bounded). The sandbox breaks a fifth of the
 * connections after applying the effect; the first record in input order that was broken waits
 * 2-2.5 s for its retry, and the sandbox's ground truth says which records behind it it applied
 * meanwhile.
 */
class RecordReadAheadTest {
    private static final int RECORDS = 60;
    private static final int CONCURRENCY = 2;
    private static final int READ_AHEAD = 4;

    @Test
    void a_retried_record_holds_the_head_while_four_times_the_concurrency_are_called_and_no_more() {
        RecordsConfig api = RecordsConfig.DEFAULTS.withLatency(new LatencyRange(Duration.ofMillis(20), null));
        try (RecordJob job = RecordJob.start("read_ahead", RECORDS, api, Faults.NONE.withResetRate(0.2))) {
            Path spec = job.spec(
                    CONCURRENCY,
                    "",
                    "retry: {max_attempts: 8, initial_delay: 2s, max_delay: 2s}\n"
                            + "breaker: {failure_threshold: 100}");

            SluiceProcess.Result run = job.run(spec);

            assertThat(run.exit()).as(run.describe()).isZero();
            List<RecordReport> reports = IntStream.rangeClosed(1, RECORDS)
                    .mapToObj(i -> job.sandbox().record(RecordJob.id(i)))
                    .toList();
            assertThat(reports).allSatisfy(r -> assertThat(r.effects()).isEqualTo(1));
            int head = firstRetried(reports);
            assertThat(head)
                    .as("a record early enough to have a full window behind it was retried")
                    .isLessThan(RECORDS - READ_AHEAD * CONCURRENCY);
            // The retry comes 2 s or more after the first request: what was applied behind the head
            // before then was called while the head waited.
            Instant retryNotBefore = reports.get(head).firstAppliedAt().plus(Duration.ofMillis(1500));
            List<String> calledWhileWaiting = new ArrayList<>();
            for (RecordReport r : reports.subList(head + 1, RECORDS)) {
                if (r.firstAppliedAt().isBefore(retryNotBefore)) {
                    calledWhileWaiting.add(r.id());
                }
            }
            assertThat(calledWhileWaiting)
                    .as(
                            "records called behind %s while it waited for its retry",
                            reports.get(head).id())
                    .hasSize(READ_AHEAD * CONCURRENCY - 1);
        }
    }

    /** Index of the first record (input order) the sandbox saw more than once: its answer was broken. */
    private static int firstRetried(List<RecordReport> reports) {
        for (int i = 0; i < reports.size(); i++) {
            if (reports.get(i).requests() > 1) {
                return i;
            }
        }
        throw new AssertionError("no connection was broken: the test needs one");
    }
}
