package dev.sluice.sandbox;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Ground truth of one record id, served by {@code GET /_sandbox/records/{id}} and
 * {@link Sandbox#record(String)}. An id never seen has zero counts. Lists are bounded so that
 * memory grows with the number of records, not requests: the exact totals are always given.
 *
 * @param id               the record id
 * @param effects          how many times its enrichment effect was applied
 * @param firstAppliedAt   when the effect was first applied, or null
 * @param requests         requests for this id on every per-record endpoint, every status
 * @param requestsByStatus endpoint ({@code enrich}, {@code check}, {@code lookup}) to status to count
 * @param idempotencyKeys  the first {@value #KEPT_KEYS} distinct keys that enrich requests acted on
 * @param distinctKeys     how many distinct keys were acted on
 * @param duplicateKeys    enrich requests whose key had been acted on before
 * @param replays          of those, answered from the stored answer (honour mode)
 * @param keysReused       of those, refused 422 because the key was used with another body or id
 * @param poisonRejected   requests refused 422 because the id was poison
 * @param malformedSent    answers sent malformed because the id was selected
 * @param traceparents     the {@code traceparent} header of the first {@value #KEPT_TRACEPARENTS}
 *                         requests that carried one, in arrival order
 * @param traceparentsSeen how many requests carried a {@code traceparent}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RecordReport(
        String id,
        long effects,
        Instant firstAppliedAt,
        long requests,
        Map<String, Map<Integer, Long>> requestsByStatus,
        List<String> idempotencyKeys,
        long distinctKeys,
        long duplicateKeys,
        long replays,
        long keysReused,
        long poisonRejected,
        long malformedSent,
        List<String> traceparents,
        long traceparentsSeen) {
    /** How many distinct idempotency keys a report lists. */
    public static final int KEPT_KEYS = 4;

    /** How many traceparent headers a report lists. */
    public static final int KEPT_TRACEPARENTS = 16;

    /** Requests to {@code endpoint} answered {@code status}. */
    public long requests(String endpoint, int status) {
        return requestsByStatus.getOrDefault(endpoint, Map.of()).getOrDefault(status, 0L);
    }
}
