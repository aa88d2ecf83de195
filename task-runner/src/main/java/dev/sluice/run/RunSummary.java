package dev.sluice.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * The last line a run prints on stdout: what Airflow reads (and stores as XCom).
 *
 * @param status  {@code done}, {@code already_complete}, {@code retry_later} or {@code failed}
 * @param inDoubt per-record jobs: calls this attempt found sent by a crashed attempt and unfinished
 *                (the API may have applied them before); null for pull jobs
 * @param lag     inputs that can tell (a Redis stream): entries after the watermark when the run
 *                ended, counted up to 100 000; null for the others
 * @param limitUnits units each shared limit gave this run's calls, by limit, when a call {@code cost}
 *                   counts units other than requests (e.g. tokens); null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(
        String job,
        String partition,
        String status,
        @JsonProperty("exit_code") int exitCode,
        long records,
        long pages,
        @JsonProperty("dead_letters") long deadLetters,
        @JsonProperty("api_calls") long apiCalls,
        @JsonProperty("http_429") long http429,
        long retries,
        @JsonProperty("permit_wait_ms") long permitWaitMs,
        JsonNode watermark,
        Long epoch,
        @JsonProperty("trace_id") String traceId,
        @JsonProperty("resume_at") Instant resumeAt,
        @JsonProperty("duration_ms") long durationMs,
        String message,
        @JsonProperty("in_doubt") Long inDoubt,
        Long lag,
        @JsonProperty("limit_units") Map<String, Long> limitUnits) {
    /** The same summary with the input's lag. */
    public RunSummary withLag(long entries) {
        return new RunSummary(
                job,
                partition,
                status,
                exitCode,
                records,
                pages,
                deadLetters,
                apiCalls,
                http429,
                retries,
                permitWaitMs,
                watermark,
                epoch,
                traceId,
                resumeAt,
                durationMs,
                message,
                inDoubt,
                entries,
                limitUnits);
    }
}
