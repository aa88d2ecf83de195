package dev.sluice.lease;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One attempt of a partition as {@code sluice attempts} shows it: its row in {@code sluice_attempt}
 * plus the dead letters it stored. The message is masked (see {@link AttemptHistory}).
 *
 * @param status   running, done, failed, stopped or lost (taken over or reset while running)
 * @param exitCode the process's exit code, or null while running or when lost
 * @param apiCalls requests sent, retries included; with {@code http429}, {@code retries} and
 *                 {@code permitWaitMs} written by each heartbeat and at the end (a killed
 *                 attempt keeps its last heartbeat's)
 * @param deadLetters dead letters this attempt stored (counted from their rows: exact even if killed)
 */
public record AttemptRecord(
        String job,
        String partition,
        long epoch,
        String owner,
        boolean forced,
        String dagId,
        String runId,
        Integer tryNumber,
        Integer mapIndex,
        String traceId,
        String status,
        Integer exitCode,
        long pages,
        long records,
        long apiCalls,
        @JsonProperty("http_429") long http429,
        long retries,
        long permitWaitMs,
        long deadLetters,
        String message,
        Instant startedAt,
        Instant finishedAt) {}
