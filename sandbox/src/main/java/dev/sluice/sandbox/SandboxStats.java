package dev.sluice.sandbox;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the sandbox saw since it started or was last reset: a snapshot, served as snake_case JSON
 * by {@code GET /_sandbox/stats}. Admin requests are not counted.
 *
 * @param requests          API requests received (every status)
 * @param admitted          requests the rate limiter admitted
 * @param servedOk          2xx responses sent whole (no injected fault)
 * @param rateLimited       429 responses sent
 * @param earlyAfter429     requests that arrived before the deadline an earlier 429 announced
 *                          (any client); each was refused and is also in {@code rateLimited}
 * @param unauthorized      401 responses sent
 * @param badRequests       400 responses sent
 * @param faults            injected faults by {@link FaultKind#key()}
 * @param duplicates        events posted again with an idempotency key already seen
 * @param eventsAccepted    events posted with a new idempotency key
 * @param partitionRequests order requests per partition key (every status)
 * @param firstRequest      when the first request arrived, or null
 * @param lastRequest       when the latest request arrived, or null
 * @param lastAnswered      when the latest answer to an admitted request was sent (or its
 *                          connection broken), or null: with {@code firstRequest}, the span the
 *                          API was busy, first request to last response
 * @param admittedPerSecond admitted requests per epoch second (admission time), for utilisation
 * @param records           ground truth of the per-record endpoints (kept across a stats reset)
 * @param oauth             what the OAuth2 token endpoint and token checks saw
 * @param limitPeaks        per limit (requests, then units), the most admitted in one window
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SandboxStats(
        long requests,
        long admitted,
        long servedOk,
        long rateLimited,
        @JsonProperty("early_after_429") long earlyAfter429,
        long unauthorized,
        long badRequests,
        Map<String, Long> faults,
        long duplicates,
        long eventsAccepted,
        Map<String, Long> partitionRequests,
        Instant firstRequest,
        Instant lastRequest,
        Instant lastAnswered,
        SortedMap<Long, Long> admittedPerSecond,
        RecordStats records,
        OAuthStats oauth,
        List<LimitPeak> limitPeaks) {

    /** How many faults of this kind were injected. */
    public long fault(FaultKind kind) {
        return faults.getOrDefault(kind.key(), 0L);
    }

    /** How many order requests named this partition. */
    public long partitionRequests(String partition) {
        return partitionRequests.getOrDefault(partition, 0L);
    }

    /** The most requests admitted in any one second. */
    public long peakAdmittedPerSecond() {
        return admittedPerSecond.values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
    }
}
