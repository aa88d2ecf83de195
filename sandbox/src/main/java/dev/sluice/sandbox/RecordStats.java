package dev.sluice.sandbox;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * Ground truth of the per-record endpoints, summed over every record: the {@code records} part of
 * {@link SandboxStats}. It is the sandbox's world state rather than a counter: it survives
 * {@code POST /_sandbox/reset} (like idempotency keys) and is cleared only by
 * {@code POST /_sandbox/records/reset} ({@link Sandbox#resetRecords()}).
 *
 * <p>Endpoints are named {@code enrich} ({@code POST /v1/customers/{id}/enrichment}),
 * {@code check} ({@code GET /v1/customers/{id}/enrichment}) and {@code lookup}
 * ({@code GET /v1/customers/{id}}).
 *
 * @param records             distinct ids that reached a per-record endpoint
 * @param requests            per-record requests, every status (refusals by the gate included)
 * @param requestsByStatus    endpoint to status code to requests; a request whose answer was cut
 *                            by an injected reset counts under the status it would have had
 * @param effectsApplied      enrichment effects applied, in all
 * @param recordsApplied      records whose effect was applied at least once
 * @param recordsAppliedTwice records whose effect was applied twice or more
 * @param extraEffects        effects beyond the first, summed over records (0 means no record was
 *                            applied twice)
 * @param duplicateKeys       enrich requests with an idempotency key already acted on (both modes)
 * @param replays             duplicates answered with the stored answer and no effect (honour mode)
 * @param keysReused          duplicates refused 422 {@code idempotency_key_reused}: same key, another
 *                            body or another record (honour mode)
 * @param poisonRejected      requests refused 422 because their id was poison
 * @param malformedSent       answers sent with a malformed body because their id was selected
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RecordStats(
        long records,
        long requests,
        Map<String, Map<Integer, Long>> requestsByStatus,
        long effectsApplied,
        long recordsApplied,
        long recordsAppliedTwice,
        long extraEffects,
        long duplicateKeys,
        long replays,
        long keysReused,
        long poisonRejected,
        long malformedSent) {

    /** Requests to {@code endpoint} ({@code enrich}, {@code check}, {@code lookup}) answered {@code status}. */
    public long requests(String endpoint, int status) {
        return requestsByStatus.getOrDefault(endpoint, Map.of()).getOrDefault(status, 0L);
    }
}
